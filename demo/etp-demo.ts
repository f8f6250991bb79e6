/**
 * The ETP side of `kuzet demo` (issue #7): a local SNTP server standing in for ntp.nic.kz, the
 * time checks (kuzet's own clock by NTP, each ETP's clock by its HTTP `Date`, price freshness), the
 * e-shop's services (000 App.7 Appendix 1) as checked targets, test and productive, and a time-travel replay: N days of
 * failure episodes of one ETP's order service recorded into the ledger at start, through the API,
 * so the streak, its warnings, the threshold event and the decision deadline show at once.
 */
import dgram from 'node:dgram';
import { MS_PER_DAY, astanaDayTimeToMs, astanaEpochDay, formatAstana } from '../core/time.ts';
import { ESHOP_SIM_TARGETS } from './portal-sim.ts';

const NTP_UNIX_OFFSET_S = 2_208_988_800;

function writeNtpTime(buf: Buffer, offset: number, ms: number): void {
  const s = Math.floor(ms / 1000);
  buf.writeUInt32BE((s + NTP_UNIX_OFFSET_S) % 2 ** 32, offset);
  buf.writeUInt32BE(Math.min(Math.floor(((ms - s * 1000) / 1000) * 2 ** 32), 2 ** 32 - 1), offset + 4);
}

export interface DemoNtp {
  /** `127.0.0.1:<port>` */
  server: string;
  close(): Promise<void>;
}

/**
 * A minimal SNTP server (RFC 4330, mode 4, stratum 1, reference "NICK") on 127.0.0.1 port 0, on the
 * host's clock: the demo has no internet, so this plays ntp.nic.kz for the `ntp` check.
 */
export async function startDemoNtp(): Promise<DemoNtp> {
  const socket = dgram.createSocket('udp4');
  const base = Date.now() - performance.now();
  const now = () => base + performance.now();
  socket.on('message', (request, rinfo) => {
    if (request.length < 48) return;
    const t2 = now();
    const reply = Buffer.alloc(48);
    reply[0] = (0 << 6) | ((((request[0] ?? 0) >> 3) & 7) << 3) | 4;
    reply[1] = 1;
    reply[2] = 6;
    reply.writeInt8(-20, 3);
    Buffer.from('NICK').copy(reply, 12);
    writeNtpTime(reply, 16, t2 - 16_000);
    request.copy(reply, 24, 40, 48);
    writeNtpTime(reply, 32, t2);
    writeNtpTime(reply, 40, now());
    socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { server: `127.0.0.1:${port}`, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** Extra checks of an ETP's targets: price freshness (000 §35: weekly) on `prices`, and a `clock` target with the ETP's HTTP `Date` offset. */
export function etpDemoTargets(simUrl: string, etp: string, o: { interval: string; timeout: string; ntpServer?: string | undefined }) {
  return {
    priceChecks: [
      {
        id: 'freshness',
        type: 'freshness',
        interval: o.interval,
        timeout: o.timeout,
        url: `${simUrl}/etp/${etp}/api/prices`,
        path: '$.updatedAt',
        preset: 'prices',
      },
    ],
    clock: {
      id: 'clock',
      name: 'часы сервера ЭТП (ntp.nic.kz, 000 App.3)',
      module: 'clock',
      checks: [
        { id: 'http-date', type: 'http-date', interval: '30s', timeout: '15s', url: `${simUrl}/etp/${etp}/api/orders/health`, samples: 4 },
        // kuzet's own clock against "ntp.nic.kz" (the demo's local stand-in); it corrects the http-date measurements.
        ...(o.ntpServer ? [{ id: 'ntp', type: 'ntp', interval: '30s', timeout: '5s', server: o.ntpServer }] : []),
      ],
    },
  };
}

/** How often the demo checks each e-shop service: 34 targets, so slower than the demo's 5 s (about one check a second in all). */
export const ESHOP_DEMO_INTERVAL_SECONDS = 30;

/**
 * The e-shop's services used by ETPs (000 App.7 Appendix 1), one portal target of module `eshop` per
 * service and environment (`eshop-<environment>-<service>`), each with one JSON check of the
 * simulator's route for it: the service, its environment and `status: available` must be there.
 * The interval is the demo's or {@link ESHOP_DEMO_INTERVAL_SECONDS}, whichever is longer.
 */
export function eshopServiceTargets(simUrl: string, o: { interval: string; timeout: string; everySeconds?: number }) {
  const interval = `${Math.max(Number.parseFloat(o.interval) || 0, o.everySeconds ?? ESHOP_DEMO_INTERVAL_SECONDS)}s`;
  return ESHOP_SIM_TARGETS.map((t) => ({
    id: `eshop-${t.environment}-${t.service}`,
    name: t.description,
    module: 'eshop',
    service: t.service,
    environment: t.environment,
    checks: [
      {
        id: 'http',
        type: 'http',
        interval,
        timeout: o.timeout,
        url: `${simUrl}${t.path}`,
        expectStatus: 200,
        jsonPath: [
          { path: '$.service', equals: t.service },
          { path: '$.environment', equals: t.environment },
          { path: '$.status', equals: 'available' },
        ],
      },
    ],
  }));
}

export interface ReplayResult {
  etp: string;
  days: number;
  currentStreak: number;
  thresholdReachedOn: string | null;
  decisionDueBy: string | null;
}

/**
 * How much of today must lie behind `now` for today to get its episode: the ledger clamps episodes
 * to now and counts a day from one minute of failure (the default minFailureMinutes), so just after
 * Astana midnight today's episode would be too short and the streak one day short of the threshold.
 */
const TODAY_NEEDS_MS = 2 * 60_000;

/**
 * Time travel for the demo: records one failure episode of `etp`'s order service on each of the last
 * `days` Astana dates up to today (10:00–10:40, today's ending now), through the operator API, so the
 * ledger climbs through the warnings (from 5) to the threshold (8) and shows the decision deadline.
 * In the first two minutes of a day the days end yesterday instead: a streak stays current through
 * the next day, so the demo shows the same thing.
 */
export async function replayEtpFailures(
  kuzetUrl: string,
  token: string,
  o: { etp: string; days: number; now: Date },
): Promise<ReplayResult> {
  const nowMs = o.now.getTime();
  const todayStart = astanaDayTimeToMs(astanaEpochDay(nowMs), 0);
  const lastStart = nowMs - todayStart >= TODAY_NEEDS_MS ? todayStart : todayStart - MS_PER_DAY;
  let last: { etp: { streak: { currentStreak: number; thresholdReachedOn: string | null; decisionDueBy: string | null } } } | undefined;
  for (let i = o.days - 1; i >= 0; i--) {
    const dayStart = lastStart - i * MS_PER_DAY;
    const today = dayStart === todayStart;
    const start = today ? Math.max(dayStart, Math.min(nowMs - 2 * 60_000, dayStart + 10 * 3_600_000)) : dayStart + 10 * 3_600_000;
    const end = today ? Math.max(start + 60_000, Math.min(nowMs, start + 40 * 60_000)) : start + 40 * 60_000;
    const res = await fetch(`${kuzetUrl}/api/v1/etps/${encodeURIComponent(o.etp)}/episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        service: 'orders',
        start: formatAstana(start),
        end: formatAstana(end),
        note: `demo replay: day ${o.days - i} of ${o.days}`,
      }),
    });
    if (res.status !== 201) throw new Error(`demo replay: POST /api/v1/etps/${o.etp}/episodes answered ${res.status}: ${await res.text()}`);
    last = (await res.json()) as typeof last;
  }
  const s = last?.etp.streak;
  return {
    etp: o.etp,
    days: o.days,
    currentStreak: s?.currentStreak ?? 0,
    thresholdReachedOn: s?.thresholdReachedOn ?? null,
    decisionDueBy: s?.decisionDueBy ?? null,
  };
}
