/**
 * Crash drill: kuzet runs as a child process on the simulated portal while a scripted operator and
 * public drive it over the HTTP API (a fault on a module, appeals, transitions to analysing and
 * confirmed, incident notices published to the local SMTP and Slack peers), and the drill SIGKILLs
 * the kuzet process — or a separate `kuzet worker` process — at random moments, restarting it each time.
 *
 * Then it counts:
 * - lost: acknowledged appeals, transitions, notice versions missing; incidents, timeline entries or
 *   SLA clocks present before a kill and missing after it; deliveries never received;
 * - duplicated: appeals stored twice, timeline entries repeated, check results stored twice, more than
 *   one incident for the one fault, notifications received more than once (by Message-ID / Slack key);
 * - and compares the journal projection (per round: state, level, kind, clocks, timeline actions,
 *   notice versions, delivery recipients) with a run of the same script without kills.
 */
import { messageIdOf } from '../../notices/index.ts';
import { call, seeded, sleep, startBed, type Bed, type KuzetProc } from './harness.ts';

export interface CrashDrillOptions {
  kills: number;
  /** Share of kills aimed at the separate worker process (default 0.3). */
  workerShare?: number;
  seed?: number;
  /** Also run the script without kills and compare the journal projections (default true). */
  reference?: boolean;
  say?: (line: string) => void;
}

export interface CrashDrillReport {
  kills: number;
  kuzetKills: number;
  workerKills: number;
  rounds: number;
  lost: number;
  duplicated: number;
  details: { lost: string[]; duplicated: string[]; resends: string[] };
  deliveries: number;
  receipts: number;
  appeals: number;
  incidents: number;
  journalIdentical: boolean | null;
  journalDiff?: string;
  silentEpisodes: number;
  serverErrors: number;
  unhandled: number;
  restartSeconds: { median: number; max: number };
  seconds: number;
}

type Ack = {
  round: number;
  appealId?: string;
  incidentId?: string;
  noticeId?: string;
  states: string[];
  published: boolean;
  description: string;
};

const iso = (ms: number) => {
  // Astana time (UTC+05:00), as the API speaks it.
  const d = new Date(ms + 5 * 3_600_000);
  return `${d.toISOString().slice(0, 19)}+05:00`;
};

/** The scripted operator and public. Every call that is refused because kuzet is down is retried after it is back. */
class Driver {
  readonly acks: Ack[] = [];
  uncertainAppeals = 0;
  serverErrors: string[] = [];
  constructor(
    private readonly bed: Bed,
    private readonly runId: string,
  ) {}

  private async up(): Promise<void> {
    for (;;) {
      const r = await call(this.bed.url, 'GET', '/readyz', { timeoutMs: 2000 });
      if (r.status === 200) return;
      await sleep(200);
    }
  }

  /** Calls until a definite answer: 0 (killed) and 503 (starting) are retried once kuzet is ready. */
  private async definite(method: string, path: string, o: { token?: string; body?: unknown; ip?: string } = {}, idempotent = true) {
    for (;;) {
      const r = await call(this.bed.url, method, path, o);
      if (r.status >= 500 && r.status !== 503) this.serverErrors.push(`${method} ${path} → ${r.status} ${r.text.slice(0, 200)}`);
      if (r.status !== 0 && r.status !== 503) return r;
      if (!idempotent && r.status === 0) return r;
      await this.up();
    }
  }

  private async state(id: string): Promise<string | undefined> {
    const r = await this.definite('GET', `/api/v1/incidents/${id}`, { token: this.bed.viewer });
    return r.status === 200 ? (r.json.state as string) : undefined;
  }

  private async transition(ack: Ack, to: string, body: Record<string, unknown>): Promise<void> {
    for (;;) {
      const r = await this.definite('POST', `/api/v1/incidents/${ack.incidentId}/transition`, {
        token: this.bed.operator,
        body: { to, ...body },
      });
      if (r.status === 200) break;
      // A refused transition after a kill: it may have been applied before the answer was lost.
      if ((await this.state(ack.incidentId!)) === to) break;
      throw new Error(`transition to ${to} of ${ack.incidentId} refused: ${r.status} ${r.text.slice(0, 300)}`);
    }
    ack.states.push(to);
  }

  private notice(ack: Ack) {
    const now = Date.now();
    return {
      kind: 'incident',
      id: ack.incidentId,
      system: 'portal',
      modules: ['search'],
      policy: 'portal-692',
      level: 'medium',
      phase: 'opened',
      description: { ru: `Учебный сбой ${ack.round}`, kk: `Оқу іркілісі ${ack.round}` },
      startedAt: iso(now - 3_600_000),
      confirmedAt: iso(now - 60_000),
      plannedFixAt: iso(now + 2 * 3_600_000),
      affected: [],
      recipients: [{ email: `reporter${ack.round}@drill.kz`, role: 'reporter' }],
    };
  }

  async round(n: number): Promise<void> {
    const description = `drill ${this.runId} appeal ${n}`;
    const ack: Ack = { round: n, states: [], published: false, description };
    const appeal = {
      organisation: `ТОО Учения ${n}`,
      binIin: '850101300005',
      email: `buyer${n}@drill.kz`,
      phone: '+7 701 123 45 67',
      description,
      detectedAt: iso(Date.now() - 60_000),
    };
    // An appeal is not idempotent: one cut by a kill is not re-sent (it may or may not be stored; it is counted apart).
    for (let attempt = 0; ; attempt++) {
      const r = await this.definite(
        'POST',
        '/api/v1/appeals',
        { body: { ...appeal, description: `${description}.${attempt}` }, ip: `10.${n % 250}.${attempt % 250}.7` },
        false,
      );
      if (r.status === 201) {
        ack.appealId = String(r.json.appealId);
        ack.incidentId = String(r.json.incidentId);
        ack.description = `${description}.${attempt}`;
        break;
      }
      if (r.status === 0) {
        this.uncertainAppeals++;
        await this.up();
        continue;
      }
      throw new Error(`appeal refused: ${r.status} ${r.text.slice(0, 300)}`);
    }
    this.acks.push(ack);
    await this.transition(ack, 'analysing', {});
    await this.transition(ack, 'confirmed', {
      level: 'medium',
      levelReason: 'учения',
      kind: 'third-party-conditions',
      plannedFixAt: iso(Date.now() + 2 * 3_600_000),
    });
    const body = this.notice(ack);
    const draft = await this.definite('POST', '/api/v1/notices', { token: this.bed.operator, body });
    if (draft.status !== 200 && draft.status !== 201) throw new Error(`notice refused: ${draft.status} ${draft.text.slice(0, 300)}`);
    ack.noticeId = String(draft.json.notice.id);
    const pub = await this.definite('POST', `/api/v1/notices/${ack.noticeId}/publish`, { token: this.bed.operator });
    if (pub.status !== 200) throw new Error(`publish refused: ${pub.status} ${pub.text.slice(0, 300)}`);
    ack.published = true;
  }
}

interface Snapshot {
  incidents: Set<string>;
  timeline: Set<string>;
  clocks: Set<string>;
  appeals: Set<string>;
  versions: Set<string>;
  deliveries: Set<string>;
}

async function snapshot(bed: Bed): Promise<Snapshot> {
  const q = async (sql: string) => new Set((await bed.db.query<{ k: string }>(sql)).map((r) => r.k));
  return {
    incidents: await q('SELECT id AS k FROM incidents'),
    timeline: await q('SELECT id::text AS k FROM incident_timeline'),
    clocks: await q("SELECT incident_id || '/' || timer AS k FROM incident_clocks"),
    appeals: await q('SELECT id::text AS k FROM appeals'),
    versions: await q("SELECT notice_id || '/v' || version AS k FROM notice_versions"),
    deliveries: await q('SELECT key AS k FROM notice_deliveries'),
  };
}

function missing(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const k of Object.keys(before) as (keyof Snapshot)[]) for (const x of before[k]) if (!after[k].has(x)) out.push(`${k} ${x}`);
  return out;
}

/** The journal as the ministry reads it, without the times that differ between two live runs. */
async function journalProjection(bed: Bed, acks: Ack[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const a of [...acks].sort((x, y) => x.round - y.round)) {
    const inc = (
      await bed.db.query<{
        state: string;
        level: string | null;
        kind: string | null;
        source: string;
        system: string | null;
        module: string | null;
      }>('SELECT state, level, kind, source, system, module FROM incidents WHERE id = $1', [a.incidentId])
    )[0];
    const clocks = (
      await bed.db.query<{ timer: string }>('SELECT timer FROM incident_clocks WHERE incident_id = $1 ORDER BY timer', [a.incidentId])
    ).map((r) => r.timer);
    const actions = (
      await bed.db.query<{ action: string; n: string }>(
        'SELECT action, count(*) AS n FROM incident_timeline WHERE incident_id = $1 GROUP BY action ORDER BY action',
        [a.incidentId],
      )
    ).map((r) => `${r.action}×${r.n}`);
    const versions = (
      await bed.db.query<{ version: number; phase: string }>(
        'SELECT version, phase FROM notice_versions WHERE notice_id = $1 ORDER BY version',
        [a.noticeId ?? ''],
      )
    ).map((r) => `v${r.version}:${r.phase}`);
    const recipients = (
      await bed.db.query<{ channel: string; recipient: string }>(
        'SELECT channel, recipient FROM notice_deliveries WHERE event LIKE $1 ORDER BY channel, recipient',
        [`notice:${a.noticeId ?? ''}:%`],
      )
    ).map((r) => `${r.channel}:${r.recipient}`);
    out.push({ round: a.round, ...inc, clocks, actions, versions, recipients });
  }
  return out;
}

function slackKey(args: Record<string, unknown>): string | undefined {
  let meta = args.metadata as unknown;
  if (typeof meta === 'string') {
    try {
      meta = JSON.parse(meta);
    } catch {
      return undefined;
    }
  }
  return (meta as { event_payload?: { key?: string } } | undefined)?.event_payload?.key;
}

async function runOnce(
  o: CrashDrillOptions & { rounds: number },
  kills: number,
): Promise<{ report: CrashDrillReport; projection: unknown[] }> {
  const t0 = Date.now();
  const say = o.say ?? (() => undefined);
  const rand = seeded(o.seed ?? 11);
  const bed = await startBed();
  const lostDetails: string[] = [];
  const dupDetails: string[] = [];
  const restarts: number[] = [];
  const resends: string[] = [];
  let kuzetKills = 0;
  let workerKills = 0;
  try {
    let main: KuzetProc = bed.spawnKuzet('start');
    await bed.waitReady();
    let worker: KuzetProc = bed.spawnKuzet('worker');
    // A fault held for the whole run: exactly one detected incident must come of it, kills or not.
    await call(bed.sim.url, 'POST', '/__fault', { body: { target: 'contracts', fault: 'http-500' } });
    const driver = new Driver(bed, `${o.seed ?? 11}`);
    let driving = true;
    const drive = (async () => {
      try {
        // Rounds are spread over the kills (about 7 s each with the restart), so kills land in every phase of the script.
        const pace = (kills * 7000) / o.rounds;
        const start = Date.now();
        for (let n = 1; n <= o.rounds; n++) {
          const wait = start + (n - 1) * pace - Date.now();
          if (wait > 0) await sleep(wait);
          await driver.round(n);
        }
      } finally {
        driving = false;
      }
    })();
    for (let i = 0; i < kills; i++) {
      await sleep(300 + rand() * 2500);
      if (rand() < (o.workerShare ?? 0.3)) {
        await worker.kill9();
        workerKills++;
        await sleep(rand() * 2000);
        worker = bed.spawnKuzet('worker');
      } else {
        const before = await snapshot(bed);
        await main.kill9();
        kuzetKills++;
        const t = Date.now();
        main = bed.spawnKuzet('start');
        await bed.waitReady();
        restarts.push((Date.now() - t) / 1000);
        const lost = missing(before, await snapshot(bed));
        lostDetails.push(...lost.map((l) => `kill ${i + 1}: ${l}`));
      }
      if ((i + 1) % 10 === 0)
        say(`  ${i + 1}/${kills} kills (${kuzetKills} kuzet, ${workerKills} worker)${driving ? '' : ', script done'}`);
    }
    const killsDone = Date.now();
    await drive;
    const driveDone = Date.now();
    // Let the detector open the fault's incident and every delivery settle.
    const deadline = Date.now() + 120_000;
    let waitingFor = '';
    for (;;) {
      const pending = await bed.db.query<{ n: string }>("SELECT count(*) AS n FROM notice_deliveries WHERE state NOT IN ('sent', 'dead')");
      const detected = await bed.db.query<{ n: string }>("SELECT count(*) AS n FROM incidents WHERE module = 'contracts'");
      if (Number(pending[0]?.n) === 0 && Number(detected[0]?.n) > 0) break;
      waitingFor = `${pending[0]?.n} deliveries pending, ${detected[0]?.n} detected incidents`;
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    const settled = Date.now();
    say(
      `  phases: kills ${((killsDone - t0) / 1000).toFixed(0)} s, script ${((driveDone - t0) / 1000).toFixed(0)} s, settled ${((settled - t0) / 1000).toFixed(0)} s${waitingFor ? ` (last waited for: ${waitingFor})` : ''}`,
    );
    await sleep(2000);

    // Acknowledged writes.
    for (const a of driver.acks) {
      const ap = await call(bed.url, 'GET', `/api/v1/appeals/${a.appealId}`, { token: bed.viewer });
      if (ap.status !== 200) lostDetails.push(`appeal ${a.appealId}: ${ap.status}`);
      const inc = await call(bed.url, 'GET', `/api/v1/incidents/${a.incidentId}`, { token: bed.viewer });
      if (inc.status !== 200) lostDetails.push(`incident ${a.incidentId}: ${inc.status}`);
      else {
        if (a.states.length > 0 && inc.json.state !== a.states[a.states.length - 1])
          lostDetails.push(`incident ${a.incidentId}: state ${inc.json.state}, acknowledged ${a.states.join('→')}`);
        if (a.states.includes('confirmed') && (inc.json.clocks ?? []).length === 0)
          lostDetails.push(`incident ${a.incidentId}: no SLA clock after confirmation`);
      }
      if (a.published) {
        const v = await bed.db.query<{ n: string }>('SELECT count(*) AS n FROM notice_versions WHERE notice_id = $1', [a.noticeId]);
        if (Number(v[0]?.n) === 0) lostDetails.push(`notice ${a.noticeId}: no published version`);
        if (Number(v[0]?.n) > 1) dupDetails.push(`notice ${a.noticeId}: ${v[0]?.n} versions for one publish`);
      }
    }
    // Duplicates in storage.
    for (const r of await bed.db.query<{ description: string; n: string }>(
      'SELECT description, count(*) AS n FROM appeals GROUP BY description HAVING count(*) > 1',
    ))
      dupDetails.push(`appeal "${r.description}" ×${r.n}`);
    for (const r of await bed.db.query<{ incident_id: string; action: string; n: string }>(
      "SELECT incident_id, action, count(*) AS n FROM incident_timeline WHERE action NOT IN ('evidence.joined', 'detector.recovered', 'detector.reopened') GROUP BY incident_id, action, at, after::text HAVING count(*) > 1",
    ))
      dupDetails.push(`timeline ${r.incident_id} ${r.action} ×${r.n}`);
    const dupResults = await bed.db.query<{ n: string }>(
      'SELECT count(*) - count(DISTINCT (check_key, region, at)) AS n FROM check_results',
    );
    if (Number(dupResults[0]?.n) > 0) dupDetails.push(`check results stored twice: ${dupResults[0]?.n}`);
    const detected = await bed.db.query<{ id: string }>("SELECT id FROM incidents WHERE module = 'contracts'");
    if (detected.length === 0) lostDetails.push('the held fault on contracts opened no incident');
    if (detected.length > 1) dupDetails.push(`the held fault on contracts opened ${detected.length} incidents`);

    // Deliveries against what the SMTP server and the Slack endpoint received.
    const rows = await bed.db.query<{ key: string; channel: string; state: string }>('SELECT key, channel, state FROM notice_deliveries');
    const mailCount = new Map<string, number>();
    for (const m of bed.smtp.mails) mailCount.set(m.messageId, (mailCount.get(m.messageId) ?? 0) + 1);
    const slackCount = new Map<string, number>();
    for (const c of bed.slack.calls) {
      const k = slackKey(c.args);
      if (k) slackCount.set(k, (slackCount.get(k) ?? 0) + 1);
    }
    let receipts = 0;
    const known = new Set<string>();
    for (const r of rows) {
      const n = r.channel === 'mail' ? (mailCount.get(messageIdOf(r.key)) ?? 0) : (slackCount.get(r.key) ?? 0);
      known.add(r.channel === 'mail' ? messageIdOf(r.key) : r.key);
      receipts += n;
      if (r.state !== 'sent') lostDetails.push(`delivery ${r.key}: ${r.state}`);
      else if (n === 0) lostDetails.push(`delivery ${r.key}: sent but never received`);
      // One resend under the same idempotency key (Message-ID, Slack metadata key) is the window
      // notices/delivery.ts documents: a kill after the channel accepted and before the row became
      // `sent`. It is counted apart, as `resent`; a second resend, or a message under another key, is a duplicate.
      if (n === 2) resends.push(`${r.key}`);
      else if (n > 2) dupDetails.push(`delivery ${r.key}: received ${n}×`);
    }
    for (const id of mailCount.keys()) if (!known.has(id)) dupDetails.push(`mail ${id} matches no delivery row`);
    for (const k of slackCount.keys()) if (!known.has(k)) dupDetails.push(`slack message ${k} matches no delivery row`);

    const silent = await bed.db.query<{ n: string }>('SELECT count(*) AS n FROM meta_silences');
    const projection = await journalProjection(bed, driver.acks);
    const log = bed.log();
    const unhandled = (log.match(/unhandled|uncaughtException|UnhandledPromiseRejection/gi) ?? []).length;
    const sorted = [...restarts].sort((a, b) => a - b);
    return {
      projection,
      report: {
        kills,
        kuzetKills,
        workerKills,
        rounds: o.rounds,
        lost: lostDetails.length,
        duplicated: dupDetails.length,
        details: { lost: lostDetails, duplicated: dupDetails, resends },
        deliveries: rows.length,
        receipts,
        appeals: driver.acks.length,
        incidents: (await bed.db.query('SELECT id FROM incidents')).length,
        journalIdentical: null,
        silentEpisodes: Number(silent[0]?.n),
        serverErrors: driver.serverErrors.length,
        unhandled,
        restartSeconds: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
        seconds: (Date.now() - t0) / 1000,
      },
    };
  } finally {
    await bed.close();
  }
}

export async function runCrashDrill(o: CrashDrillOptions): Promise<CrashDrillReport> {
  const rounds = Math.max(3, Math.ceil(o.kills / 4));
  const say = o.say ?? (() => undefined);
  let reference: unknown[] | undefined;
  if (o.reference !== false) {
    say(`crash drill: reference run without kills (${rounds} rounds)`);
    reference = (await runOnce({ ...o, rounds }, 0)).projection;
  }
  say(`crash drill: ${o.kills} kills over ${rounds} rounds`);
  const { report, projection } = await runOnce({ ...o, rounds }, o.kills);
  if (reference) {
    const a = JSON.stringify(reference);
    const b = JSON.stringify(projection);
    report.journalIdentical = a === b;
    if (a !== b) {
      const i = reference.findIndex((x, k) => JSON.stringify(x) !== JSON.stringify(projection[k]));
      report.journalDiff = `round ${i + 1}: without kills ${JSON.stringify(reference[i])}; with kills ${JSON.stringify(projection[i])}`;
    }
  }
  return report;
}
