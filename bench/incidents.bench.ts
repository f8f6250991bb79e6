/**
 * Incident detection benchmark (issue item 11).
 *
 * - Throughput of the pure detector state machine, and of the detector as ingestion runs it (batches
 *   of 2,000 stored results, state and incidents written to PGlite in one transaction per batch).
 *   Target: ≥ 10,000 results/s.
 * - Detection latency at a 1 s check interval: 200 checks (one module each) report every second in
 *   real time, the ingestor's batches are fed every 100 ms, and 50 modules start failing at random
 *   moments. Latency = wall time from the first failing result to the incident's registration
 *   (committed). With the default threshold of 3 consecutive failures it includes the two further
 *   intervals the rule waits for; "processing" is from the result that crossed the threshold.
 */
import { migrate, openDb } from '../core/db.ts';
import { emptyDetectorState, observe, type DetectorInput } from '../incidents/detection/detector.ts';
import { IncidentDetector, type DetectableResult } from '../incidents/store/incident-detector.ts';
import type { Topology } from '../incidents/store/topology.ts';

const TARGET_RPS = 10_000;

function topology(): Topology {
  return {
    systems: () => ['portal'],
    policyOf: () => 'portal-692',
    moduleOf: (key) => key.split('/')[1],
    checksOf: (_s, m) => [{ key: `portal/${m}/http`, regions: ['astana'] }],
    modulesOf: () => [],
    appealAttachWindowMs: () => 1_800_000,
  };
}

function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

/** Results of `checks` checks over `rounds` rounds, 2 % of checks failing in bursts. */
function synthetic(checks: number, rounds: number): DetectableResult[] {
  const next = rng(7);
  const out: DetectableResult[] = [];
  const t0 = Date.parse('2026-03-26T05:00:00Z');
  const failing = new Set<number>();
  for (let r = 0; r < rounds; r++) {
    if (r % 20 === 0) {
      failing.clear();
      for (let i = 0; i < checks * 0.02; i++) failing.add(Math.floor(next() * checks));
    }
    for (let c = 0; c < checks; c++) {
      const ok = !failing.has(c);
      out.push({
        key: `portal/m${c}/http`,
        system: 'portal',
        target: `m${c}`,
        check: 'http',
        region: 'astana',
        ok,
        errorKind: ok ? null : 'http-status',
        message: ok ? 'ok' : 'HTTP 500',
        at: new Date(t0 + r * 1000 + c),
      });
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function pureThroughput(): Promise<number> {
  const rs = synthetic(1000, 200);
  const inputs: DetectorInput[] = rs.map((r) => ({
    key: r.key,
    system: r.system,
    module: r.target,
    region: r.region,
    ok: r.ok,
    errorKind: r.errorKind,
    message: r.message,
    at: r.at.getTime(),
  }));
  const state = emptyDetectorState();
  const t0 = performance.now();
  for (const i of inputs) observe(state, i);
  return inputs.length / ((performance.now() - t0) / 1000);
}

async function adapterThroughput(): Promise<{ rps: number; incidents: number }> {
  const db = await openDb({ dataDir: 'memory://' });
  try {
    await migrate(db);
    const det = new IncidentDetector({ db, topology });
    await det.load();
    const rs = synthetic(1000, 100);
    const t0 = performance.now();
    for (let i = 0; i < rs.length; i += 2000) await det.handle(rs.slice(i, i + 2000));
    const s = (performance.now() - t0) / 1000;
    const n = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM incidents');
    return { rps: rs.length / s, incidents: Number(n[0]?.n) };
  } finally {
    await db.close();
  }
}

async function latency(): Promise<{ p50: number; p99: number; procP50: number; procP99: number; n: number }> {
  const db = await openDb({ dataDir: 'memory://' });
  try {
    await migrate(db);
    const det = new IncidentDetector({ db, topology });
    await det.load();
    const CHECKS = 200;
    const FAILING = 50;
    const SECONDS = 12;
    const next = rng(11);
    const failFrom = new Map<number, number>(); // check → second it starts failing
    while (failFrom.size < FAILING) failFrom.set(Math.floor(next() * CHECKS), 1 + Math.floor(next() * 5));
    const firstFail = new Map<string, number>();
    const crossing = new Map<string, number>();
    const fails = new Map<string, number>();
    const pending: DetectableResult[] = [];
    const start = Date.now();
    // Each check reports once per second at its own offset; a late timer tick catches up, never skips.
    const nextDue = Array.from({ length: CHECKS }, (_, c) => start + (c % 10) * 100);
    const feeder = setInterval(() => {
      const now = Date.now();
      for (let c = 0; c < CHECKS; c++) {
        while (nextDue[c]! <= now) {
          const sec = Math.floor((nextDue[c]! - start) / 1000);
          nextDue[c]! += 1000;
          if (sec >= SECONDS) continue;
          const from = failFrom.get(c);
          const ok = from === undefined || sec < from;
          const key = `portal/m${c}/http`;
          if (!ok && !firstFail.has(key)) firstFail.set(key, now);
          if (!ok) {
            const n = (fails.get(key) ?? 0) + 1;
            fails.set(key, n);
            if (n === 3) crossing.set(key, now);
          }
          pending.push({
            key,
            system: 'portal',
            target: `m${c}`,
            check: 'http',
            region: 'astana',
            ok,
            errorKind: ok ? null : 'http-status',
            message: ok ? 'ok' : 'HTTP 500',
            at: new Date(now),
          });
        }
      }
    }, 20);
    while (Date.now() - start < (SECONDS + 1) * 1000) {
      await new Promise((r) => setTimeout(r, 100));
      const batch = pending.splice(0);
      if (batch.length) await det.handle(batch);
    }
    clearInterval(feeder);
    const lat: number[] = [];
    const proc: number[] = [];
    const rows = await db.query<{ id: string; module: string }>('SELECT id, module FROM incidents');
    const byModule = new Map(rows.map((r) => [r.module, r.id]));
    for (const reg of det.registered) {
      const module = [...byModule.entries()].find(([, id]) => id === reg.id)?.[0];
      const key = `portal/${module}/http`;
      const f = firstFail.get(key);
      const x = crossing.get(key);
      if (f !== undefined) lat.push(reg.registeredAt - f);
      if (x !== undefined) proc.push(reg.registeredAt - x);
    }
    return { p50: pct(lat, 50), p99: pct(lat, 99), procP50: pct(proc, 50), procP99: pct(proc, 99), n: lat.length };
  } finally {
    await db.close();
  }
}

export async function benchIncidents(): Promise<Record<string, string | number>> {
  const pure = await pureThroughput();
  const adapter = await adapterThroughput();
  const lat = await latency();
  return {
    'detector (pure) results/s': Math.round(pure),
    'detector + PGlite results/s': Math.round(adapter.rps),
    'detector + PGlite target met (≥ 10k/s)': adapter.rps >= TARGET_RPS ? 'yes' : 'NO',
    'incidents opened in throughput run': adapter.incidents,
    'latency 1 s interval, incidents': lat.n,
    'latency first failure → registered p50 ms': Math.round(lat.p50),
    'latency first failure → registered p99 ms': Math.round(lat.p99),
    'latency threshold result → registered p50 ms': Math.round(lat.procP50),
    'latency threshold result → registered p99 ms': Math.round(lat.procP99),
  };
}
