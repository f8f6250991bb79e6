/** A recorded decision on an ETP (etp/decision.ts; stored by etp/decision.repo.ts). */
export const DECISIONS = ['disconnect', 'keep'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface Decision {
  id: string;
  etp: string;
  thresholdDay: number | null;
  decision: DecisionKind;
  disconnectAtMs: number | null;
  reason: string;
  actor: string;
  decidedAtMs: number;
}
