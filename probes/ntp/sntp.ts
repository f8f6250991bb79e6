/*
 * A small SNTP client (RFC 4330, NTPv4 packet of RFC 5905) over node:dgram, written here on purpose:
 * the npm clients are not fit for a monitor (LIBRARY-NOTES.md). `ntp-client` returns only the server's
 * transmit time, with no origin-timestamp check, no offset and no delay; `ntp-time` computes offset and
 * delay but reports a stratum-0 kiss-o'-death reply as stratum 2. A monitor that proves clock
 * synchronisation (docs/rules.md §8) must refuse exactly those replies: kiss-o'-death, unsynchronised
 * (stratum 16, leap alarm), and replies that do not echo our transmit timestamp (spoofed or stale).
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { raceAbort } from '../abort.ts';

export const NTP_PORT = 123;
export const DEFAULT_NTP_SERVER = 'ntp.nic.kz';
const PACKET_BYTES = 48;
/** Seconds from the NTP era 0 (1900-01-01) to the Unix epoch. */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
const TWO_POW_32 = 4_294_967_296;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
const VERSION = 4;
const LEAP_ALARM = 3;

/** Why a reply was refused. The code names the RFC 4330 §5 check that failed. */
export type SntpRejection =
  'short-packet' | 'bad-mode' | 'bad-version' | 'kiss-of-death' | 'unsynchronized' | 'bad-stratum' | 'bad-origin' | 'zero-timestamp';

/** The server answered, but with a reply a client must not use. An expected failure, not a bug. */
export class SntpReplyError extends Error {
  readonly code: SntpRejection;
  constructor(code: SntpRejection, message: string) {
    super(message);
    this.name = 'SntpReplyError';
    this.code = code;
  }
}

export interface SntpServer {
  host: string;
  port: number;
}

export interface SntpMeasurement {
  /** `host:port` as asked. */
  server: string;
  /** The address the reply came from. */
  address: string;
  /** Server clock minus local clock: positive when the local clock is behind. θ = ((T2 − T1) + (T3 − T4)) / 2. */
  offsetMs: number;
  /** Round trip without the server's processing: δ = (T4 − T1) − (T3 − T2). */
  delayMs: number;
  stratum: number;
  /** Stratum 1: the reference source ("GPS", "PPS"); above: the upstream server's IPv4 address (or a hash of IPv6). */
  refId: string;
  leap: number;
  version: number;
  rootDelayMs: number;
  rootDispersionMs: number;
  /** The local (uncorrected) time of the measurement, epoch ms. */
  at: number;
}

export interface SntpOptions {
  signal?: AbortSignal;
  /** The local clock, epoch milliseconds; the host clock by default. Read once, then advanced with `performance.now()`. */
  clock?: () => number;
}

/** Parses `host`, `host:port`, `1.2.3.4:123` or `[::1]:123`; undefined when it is none of these. */
export function parseServer(text: string): SntpServer | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return net.isIPv6(bracketed[1] ?? '') ? withPort(bracketed[1] ?? '', bracketed[2]) : undefined;
  if (net.isIPv6(text)) return { host: text, port: NTP_PORT };
  const m = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const host = m[1] ?? '';
  if (
    !net.isIPv4(host) &&
    !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(host)
  )
    return undefined;
  return withPort(host, m[2]);
}

function withPort(host: string, port: string | undefined): SntpServer | undefined {
  const n = port === undefined ? NTP_PORT : Number(port);
  return n >= 1 && n <= 65535 ? { host, port: n } : undefined;
}

export function formatServer(s: SntpServer): string {
  return net.isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

// ---- NTP timestamps ----

/** Writes epoch milliseconds as a 64-bit NTP timestamp (era-aware: wraps in 2036 as the format does). */
export function writeNtpTime(buf: Buffer, offset: number, ms: number): void {
  const totalS = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - totalS * 1000) / 1000) * TWO_POW_32);
  buf.writeUInt32BE((totalS + NTP_UNIX_OFFSET_S) % TWO_POW_32, offset);
  buf.writeUInt32BE(Math.min(frac, TWO_POW_32 - 1), offset + 4);
}

/**
 * Reads a 64-bit NTP timestamp as epoch milliseconds. RFC 4330 §3: a seconds value with the top bit
 * clear belongs to era 1 (from 2036-02-07), so the client works past the 2036 wrap.
 */
export function readNtpTime(buf: Buffer, offset: number): number {
  const s = buf.readUInt32BE(offset);
  const frac = buf.readUInt32BE(offset + 4);
  const eraS = (s & 0x8000_0000) === 0 ? s + TWO_POW_32 : s;
  return (eraS - NTP_UNIX_OFFSET_S) * 1000 + (frac / TWO_POW_32) * 1000;
}

function writeTransmit(buf: Buffer, ms: number): Buffer {
  writeNtpTime(buf, 40, ms);
  return buf;
}

/** A client request whose transmit timestamp is `ms` with random low bits, so a reply cannot be guessed. */
export function buildRequest(ms: number, random: () => number = Math.random): Buffer {
  const buf = Buffer.alloc(PACKET_BYTES);
  buf[0] = (0 << 6) | (VERSION << 3) | MODE_CLIENT;
  writeNtpTime(buf, 40, ms);
  return stampNonce(buf, random);
}

/** Random low 16 bits of the transmit fraction: under 16 µs of noise for the time, a nonce for the origin check. */
function stampNonce(buf: Buffer, random: () => number = Math.random): Buffer {
  buf.writeUInt16BE(Math.floor(random() * 0x10000), 46);
  return buf;
}

export interface SntpReply {
  leap: number;
  version: number;
  mode: number;
  stratum: number;
  refId: string;
  rootDelayMs: number;
  rootDispersionMs: number;
  /** T2 and T3, epoch ms of the server's clock. */
  receiveMs: number;
  transmitMs: number;
}

/** Validates a reply against the request it answers (RFC 4330 §5) and decodes it; throws {@link SntpReplyError}. */
export function parseReply(reply: Buffer, request: Buffer): SntpReply {
  if (reply.length < PACKET_BYTES)
    throw new SntpReplyError('short-packet', `reply of ${reply.length} bytes, an NTP packet has at least ${PACKET_BYTES}`);
  const b0 = reply[0] as number;
  const leap = b0 >> 6;
  const version = (b0 >> 3) & 7;
  const mode = b0 & 7;
  const stratum = reply[1] as number;
  if (mode !== MODE_SERVER) throw new SntpReplyError('bad-mode', `reply mode ${mode}, expected ${MODE_SERVER} (server)`);
  if (version < 3 || version > 4) throw new SntpReplyError('bad-version', `reply version ${version}, expected 3 or 4`);
  if (!reply.subarray(24, 32).equals(request.subarray(40, 48))) {
    throw new SntpReplyError(
      'bad-origin',
      'the reply does not echo our transmit timestamp as its origin (spoofed, or a reply to another request)',
    );
  }
  if (stratum === 0)
    throw new SntpReplyError(
      'kiss-of-death',
      `kiss-o'-death ${kissCode(reply)}: the server refuses to serve us (${KISS_CODES[kissCode(reply)] ?? 'unknown code'})`,
    );
  if (stratum >= 16) throw new SntpReplyError('unsynchronized', `stratum ${stratum}: the server is not synchronised`);
  if (leap === LEAP_ALARM) throw new SntpReplyError('unsynchronized', 'leap indicator 3 (alarm): the server clock is not synchronised');
  const zero = (at: number) => reply.readUInt32BE(at) === 0 && reply.readUInt32BE(at + 4) === 0;
  if (zero(32) || zero(40)) throw new SntpReplyError('zero-timestamp', 'the reply has a zero receive or transmit timestamp');
  return {
    leap,
    version,
    mode,
    stratum,
    refId: refIdText(reply, stratum),
    rootDelayMs: fixed16(reply.readInt32BE(4)),
    rootDispersionMs: fixed16(reply.readUInt32BE(8)),
    receiveMs: readNtpTime(reply, 32),
    transmitMs: readNtpTime(reply, 40),
  };
}

/** The kiss codes of RFC 5905 §7.4 a public server is likely to send. */
const KISS_CODES: Record<string, string> = {
  RATE: 'we query too often',
  DENY: 'access denied',
  RSTR: 'access restricted',
  AUTH: 'authentication failed',
  CRYP: 'cryptographic authentication failed',
  NKEY: 'no key found',
};

function kissCode(reply: Buffer): string {
  return asciiRefId(reply) || '????';
}

function asciiRefId(reply: Buffer): string {
  const bytes = reply.subarray(12, 16);
  const text = bytes.toString('latin1').replace(/\0+$/, '');
  return /^[\x20-\x7e]*$/.test(text) ? text : '';
}

function refIdText(reply: Buffer, stratum: number): string {
  if (stratum === 1) return asciiRefId(reply) || reply.subarray(12, 16).toString('hex');
  return [...reply.subarray(12, 16)].join('.');
}

/** NTP short format (16.16 fixed point seconds) in milliseconds. */
function fixed16(raw: number): number {
  return (raw / 65536) * 1000;
}

/** Offset and delay from the four timestamps (RFC 4330 §5). */
export function offsetAndDelay(t1: number, t2: number, t3: number, t4: number): { offsetMs: number; delayMs: number } {
  return { offsetMs: (t2 - t1 + (t3 - t4)) / 2, delayMs: t4 - t1 - (t3 - t2) };
}

/**
 * Sends one SNTP request and measures the server's clock against the local one. Rejects with the
 * socket's error (with its code), an {@link SntpReplyError}, or the signal's reason when it aborts;
 * the socket is closed in every case.
 */
export async function querySntp(server: SntpServer, opts: SntpOptions = {}): Promise<SntpMeasurement> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const address = net.isIP(server.host) ? server.host : (await raceAbort(lookup(server.host), signal)).address;
  const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
  const clockBase = (opts.clock ?? Date.now)();
  const perfBase = performance.now();
  const localNow = () => clockBase + (performance.now() - perfBase);
  try {
    return await new Promise<SntpMeasurement>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (fn: () => void) => {
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      let request: Buffer | undefined;
      let t1 = 0;
      socket.on('error', (err) => done(() => reject(err)));
      socket.on('message', (msg) => {
        const t4 = localNow();
        if (!request) return;
        done(() => {
          try {
            const reply = parseReply(msg, request as Buffer);
            const { offsetMs, delayMs } = offsetAndDelay(t1, reply.receiveMs, reply.transmitMs, t4);
            resolve({
              server: formatServer(server),
              address,
              offsetMs,
              delayMs,
              stratum: reply.stratum,
              refId: reply.refId,
              leap: reply.leap,
              version: reply.version,
              rootDelayMs: reply.rootDelayMs,
              rootDispersionMs: reply.rootDispersionMs,
              at: t1,
            });
          } catch (err) {
            reject(err);
          }
        });
      });
      // A connected socket only hears the server, and an ICMP port-unreachable surfaces as ECONNREFUSED.
      socket.connect(server.port, address, () => {
        // Stamp T1 as the last thing before sending: building the packet first keeps its cost out of the delay.
        request = buildRequest(localNow());
        t1 = localNow();
        stampNonce(writeTransmit(request, t1));
        socket.send(request, (err) => {
          if (err) done(() => reject(err));
        });
      });
    });
  } finally {
    try {
      socket.close();
    } catch {
      // already closed after a socket error: nothing left to release
    }
  }
}
