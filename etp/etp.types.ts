/** An ETP as the registry keeps it (etp/registry.ts; stored by etp/registry.repo.ts). */
import type { ETP_STATES } from '../core/config.ts';

export type EtpState = (typeof ETP_STATES)[number];
export interface EtpContact {
  name: string;
  role?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface EtpService {
  /** `orders`, `prices`, `catalogue` or another name. */
  service: string;
  /** The config target that checks it, when kuzet checks it. */
  target: string | null;
}

export interface Etp {
  id: string;
  name: string;
  owner: { name: string; contacts: EtpContact[] };
  domain: string | null;
  ips: string[];
  services: EtpService[];
  state: EtpState;
  /** When the state began (for `disconnected`: the date and time of disconnection), epoch ms. */
  stateSinceMs: number | null;
  /** Dates of authentication-data changes (000 App.7 §37), YYYY-MM-DD. */
  authRotations: string[];
  minFailureMinutes: number;
  source: 'config' | 'api';
  version: number;
}
