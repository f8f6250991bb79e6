/**
 * A local SNTP server for tests, on 127.0.0.1 port 0, whose clock runs `offsetMs` ahead of the host's
 * and whose replies a test can bend (kiss-o'-death, wrong origin, short packets …). Test-only: nothing
 * outside `*.test.ts` imports this file.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { writeNtpTime } from './sntp.ts';

export const LOCALHOST = '127.0.0.1';

export interface ResponderOptions {
  offsetMs?: number;
  stratum?: number;
  /** 4 bytes of reference id; default 192.0.2.1 (an upstream address, as for stratum ≥ 2). */
  refId?: Buffer;
  /** Milliseconds between receiving and sending, to show that the server's processing time is not counted as delay. */
  holdMs?: number;
  /** Rewrites a correct reply before it is sent; return null to stay silent. */
  bend?: (reply: Buffer, request: Buffer) => Buffer | null;
}

export interface Responder {
  port: number;
  /** `127.0.0.1:<port>` */
  server: string;
  requests: number;
  close(): Promise<void>;
}

export async function startSntpResponder(opts: ResponderOptions = {}): Promise<Responder> {
  const socket = dgram.createSocket('udp4');
  // The server's clock, with sub-millisecond steps so offsets are not rounded to whole ms.
  const base = Date.now() - performance.now();
  const serverNow = () => base + performance.now() + (opts.offsetMs ?? 0);
  const state = { requests: 0 };
  socket.on('message', (request, rinfo) => {
    state.requests++;
    const t2 = serverNow();
    const send = () => {
      const reply = Buffer.alloc(48);
      const version = ((request[0] ?? 0) >> 3) & 7;
      reply[0] = (0 << 6) | (version << 3) | 4;
      reply[1] = opts.stratum ?? 2;
      reply[2] = 6; // poll 64 s
      reply.writeInt8(-20, 3); // precision ~1 µs
      reply.writeUInt32BE(0x0000_0100, 4); // root delay 3.9 ms
      reply.writeUInt32BE(0x0000_0200, 8); // root dispersion 7.8 ms
      (opts.refId ?? Buffer.from([192, 0, 2, 1])).copy(reply, 12);
      writeNtpTime(reply, 16, t2 - 16_000);
      request.copy(reply, 24, 40, 48); // origin = the client's transmit timestamp
      writeNtpTime(reply, 32, t2);
      writeNtpTime(reply, 40, serverNow());
      const out = opts.bend ? opts.bend(reply, request) : reply;
      if (out) socket.send(out, rinfo.port, rinfo.address);
    };
    if (opts.holdMs) setTimeout(send, opts.holdMs);
    else send();
  });
  await new Promise<void>((resolve) => socket.bind(0, LOCALHOST, resolve));
  const port = socket.address().port;
  return {
    port,
    server: `${LOCALHOST}:${port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * The responder in a child process. Measurements that must be accurate to milliseconds use this one:
 * in-process, the test runner's own work (reporting results) shares the event loop and can delay the
 * server's receive timestamp by tens of milliseconds, an error no real server would add.
 */
export async function spawnSntpResponder(opts: { offsetMs?: number; holdMs?: number } = {}): Promise<Omit<Responder, 'requests'>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(opts)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^port (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the SNTP responder exited with ${code}`)));
  });
  return {
    port,
    server: `${LOCALHOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await startSntpResponder(JSON.parse(process.argv[2] ?? '{}') as ResponderOptions);
  process.stdout.write(`port ${r.port}\n`);
}
