/**
 * Rules engine benchmark: deadline extensions for 100,000 procurements of one high-level incident.
 * Target: under 1 s for the whole entry point (validation, rules, formatting).
 */
import { formatAstana } from '../core/time.ts';
import { computeExtensions, rulesDeadlines, type DeadlinesRequest } from '../incidents/rules/index.ts';

const COUNT = 100_000;
const TARGET_MS = 1000;
const METHODS = ['competition', 'price-quotations', 'auction', 'housing', 'one-source'] as const;

/** A deterministic input: deadlines spread from 3 days before to 7 days after the failure start. */
function buildInput(): { policy: string; incident: Record<string, unknown>; procurements: unknown[]; tariffs: unknown[] } {
  const start = Date.parse('2026-04-14T05:00:00Z'); // 10:00 Astana
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const at = () => formatAstana(start + Math.floor((next() * 10 - 3) * 1440) * 60_000);
  const procurements = [];
  for (let i = 0; i < COUNT; i++) {
    const method = METHODS[i % METHODS.length] as string;
    const deadlines: Record<string, string> = { acceptanceEnd: at(), contractSigning: at(), complaints: at() };
    if (method === 'auction') deadlines.auctionBidding = at();
    if (i % 7 === 0) deadlines.discussionEnd = at();
    procurements.push({
      id: `ANN-${i}`,
      method,
      module: i % 2 === 0 ? 'tenders' : 'auctions',
      deadlines,
      ...(i % 11 === 0 ? { protocolFormedAt: at() } : {}),
    });
  }
  return {
    policy: 'portal-692',
    incident: {
      level: 'high',
      startedAt: '2026-04-14T10:00:00+05:00',
      confirmedAt: '2026-04-14T10:20:00+05:00',
      resolvedAt: '2026-04-15T16:45:00+05:00',
      decryptionFailure: true,
    },
    procurements,
    tariffs: [{ id: 'TAR-1', validUntil: '2026-04-15' }],
  };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export async function benchRules(): Promise<Record<string, string | number>> {
  // Through JSON, as the CLI and the API receive it (flat strings, not concatenation ropes).
  const json = JSON.stringify(buildInput());
  const parsed = time(() => JSON.parse(json) as ReturnType<typeof buildInput>);
  const input = parsed.value;
  const cold = time(() => rulesDeadlines(input));
  const warm = Math.min(...[0, 1, 2].map(() => time(() => rulesDeadlines(input)).ms));
  // The pure computation alone, on already-parsed facts.
  const req: DeadlinesRequest = {
    policy: 'portal-692',
    incident: {
      level: 'high',
      startedAt: Date.parse('2026-04-14T05:00:00Z'),
      confirmedAt: Date.parse('2026-04-14T05:20:00Z'),
      resolvedAt: Date.parse('2026-04-15T11:45:00Z'),
      decryptionFailure: true,
    },
    procurements: input.procurements.map((p) => {
      const q = p as {
        id: string;
        method: (typeof METHODS)[number];
        module: string;
        protocolFormedAt?: string;
        deadlines: Record<string, string>;
      };
      return {
        id: q.id,
        method: q.method,
        module: q.module,
        protocolFormedAt: q.protocolFormedAt === undefined ? undefined : Date.parse(q.protocolFormedAt),
        deadlines: Object.fromEntries(Object.entries(q.deadlines).map(([k, v]) => [k, Date.parse(v)])),
      };
    }),
    tariffs: [],
  };
  const compute = Math.min(...[0, 1, 2].map(() => time(() => computeExtensions(req)).ms));
  return {
    'rules.deadlines_100k_ms': Math.round(cold.ms),
    'rules.deadlines_100k_json_parse_ms': Math.round(parsed.ms),
    'rules.deadlines_100k_warm_ms': Math.round(warm),
    'rules.deadlines_100k_compute_only_ms': Math.round(compute),
    'rules.deadlines_100k_extensions': cold.value.extensions.length,
    'rules.target_ms': TARGET_MS,
    'rules.within_target': cold.ms < TARGET_MS ? 'yes' : 'no',
  };
}
