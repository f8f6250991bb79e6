import { browserProbe } from './browser.probe.ts';
import { dnsProbe } from './dns.probe.ts';
import { freshnessProbe } from './freshness.probe.ts';
import { httpDateProbe } from './http-date.probe.ts';
import { httpProbe } from './http.probe.ts';
import { jsonApiProbe } from './json-api.probe.ts';
import { ntpProbe } from './ntp.probe.ts';
import { tcpProbe } from './tcp.probe.ts';
import { tlsProbe } from './tls.probe.ts';
import type { Probe } from './types.ts';

/** Every check kind by name. A new kind is one `<kind>.probe.ts` file and one line here. */
export const PROBES = {
  http: httpProbe,
  'json-api': jsonApiProbe,
  tcp: tcpProbe,
  dns: dnsProbe,
  tls: tlsProbe,
  browser: browserProbe,
  ntp: ntpProbe,
  'http-date': httpDateProbe,
  freshness: freshnessProbe,
} as const satisfies Record<string, Probe>;

export type CheckKind = keyof typeof PROBES;

export const CHECK_KINDS = Object.keys(PROBES) as CheckKind[];

export function getProbe(kind: string): Probe | undefined {
  return Object.hasOwn(PROBES, kind) ? PROBES[kind as CheckKind] : undefined;
}
