/**
 * A 10,000-appeal flood (issue #16 item 5) against a real `kuzet start` process on PostgreSQL or PGlite, the
 * way the portal's users would send it on the day it fails: every appeal about the same module, each
 * from its own address (behind a trusted proxy on loopback) and its own BIN/IIN, 50 at a time.
 *
 * Reported: kuzet's RSS (from /proc) at rest before the flood, at its peak, and how long after the
 * last answer it is back within 15 % of the baseline (sampled each second, for at most 60 s); the
 * incidents the flood opened (must be 1), the appeals attached to it, and the Slack threads about it
 * (top-level posts; must be 1). Loopback only, bounded in count and time.
 */
import { readFileSync } from 'node:fs';
import { call, sleep, type Bed } from '../test/drills/harness.ts';
import { allIncidents, appealBody, startEngineBed, systemWithModules, validBins, type Engine } from '../test/security/engines.ts';

const APPEALS = 10_000;
const PARALLEL = 50;

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function settle(pid: number, ms: number): Promise<number> {
  const samples: number[] = [];
  for (let t = 0; t < ms; t += 1000) {
    samples.push(rssMb(pid));
    await sleep(1000);
  }
  return samples.slice(-5).reduce((a, b) => a + b, 0) / Math.min(5, samples.length);
}

/** On PostgreSQL (`appeal-flood`) or on PGlite inside the kuzet process (`appeal-flood-pglite`). */
export async function benchAppealFlood(engine: Engine = 'postgres'): Promise<Record<string, string | number>> {
  const bed: Bed = await startEngineBed(engine, { intervalSeconds: 30 });
  try {
    const proc = bed.spawnKuzet('start');
    await bed.waitReady(90_000);
    const pid = proc.child.pid as number;
    const sys = await systemWithModules(bed);
    const module = sys.modules[0] as string;
    const bins = validBins(APPEALS, 81_040_500_000);
    const baseline = await settle(pid, 15_000);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250);
    const statuses = new Map<number, number>();
    const incidentIds = new Set<string>();
    const t0 = performance.now();
    for (let i = 0; i < APPEALS; i += PARALLEL) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(PARALLEL, APPEALS - i) }, (_, j) => {
          const n = i + j;
          return call(bed.url, 'POST', '/api/v1/appeals', {
            body: appealBody({
              system: sys.id,
              module,
              binIin: bins[n],
              email: `u${n}@flood.kz`,
              description: `поиск не работает, обращение ${n}`,
            }),
            ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
            timeoutMs: 60_000,
          });
        }),
      );
      for (const r of batch) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 201) incidentIds.add((r.json as { incidentId: string }).incidentId);
      }
    }
    const floodS = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const afterFlood = rssMb(pid);
    let backAfterS: number | string = 'not within 60 s';
    let last = afterFlood;
    for (let s = 0; s <= 60; s++) {
      last = rssMb(pid);
      if (Math.abs(last - baseline) <= baseline * 0.15) {
        backAfterS = s;
        break;
      }
      await sleep(1000);
    }
    await sleep(3_000); // let the registration alert reach Slack
    const incidents = (await allIncidents(bed)).filter((x) => x.system === sys.id && x.module === module);
    const id = incidents[0]?.id ?? '';
    const detail = await call(bed.url, 'GET', `/api/v1/incidents/${id}`, { token: bed.viewer, timeoutMs: 60_000 });
    const about = bed.slack.calls.filter((c) => id && String(c.args.text ?? '').includes(id));
    return {
      appeals: APPEALS,
      'answers by status': [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
      'flood duration s': floodS.toFixed(1),
      'appeals/s': (APPEALS / floodS).toFixed(0),
      'RSS baseline MB': baseline.toFixed(1),
      'RSS peak MB': peak.toFixed(1),
      'RSS right after MB': afterFlood.toFixed(1),
      'RSS back within ±15 % after s': backAfterS,
      'RSS at the end MB': last.toFixed(1),
      'incidents opened by the flood': incidents.length,
      'incident ids answered': incidentIds.size,
      'appeals attached to it': (detail.json as { appealCount?: number } | undefined)?.appealCount ?? `? ${detail.status}`,
      'Slack threads about it (top-level posts)': about.filter((c) => !c.args.thread_ts).length,
      'Slack posts about it': about.length,
    };
  } finally {
    await bed.close();
  }
}
