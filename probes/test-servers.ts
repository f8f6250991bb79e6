/**
 * Local servers for probe tests, each on 127.0.0.1 port 0 and closed by the caller. No test reaches the
 * internet. Test-only: nothing outside `*.test.ts` imports this file.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import dns2 from 'dns2';
import type { Resource } from 'dns2';
import selfsigned from 'selfsigned';

export const LOCALHOST = '127.0.0.1';
const DAY_MS = 86_400_000;

export interface Running {
  port: number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, LOCALHOST, resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startHttp(handler: http.RequestListener): Promise<Running & { url: string }> {
  const running = await listen(http.createServer(handler));
  return { ...running, url: `http://${LOCALHOST}:${running.port}` };
}

export async function startHttps(cert: Pems, handler: http.RequestListener): Promise<Running & { url: string }> {
  const running = await listen(https.createServer({ key: cert.private, cert: cert.cert }, handler));
  return { ...running, url: `https://${LOCALHOST}:${running.port}` };
}

/** A TCP server that runs `onSocket` for every connection (default: accept and say nothing). */
export function startTcp(onSocket: (socket: net.Socket) => void = () => {}): Promise<Running> {
  return listen(net.createServer(onSocket));
}

/** A port nothing listens on: opened, then closed. */
export async function closedPort(): Promise<number> {
  const running = await startTcp();
  await running.close();
  return running.port;
}

/** A UDP socket that swallows every datagram: a DNS server that never answers. */
export async function startSilentUdp(): Promise<Running> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LOCALHOST, resolve));
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

export type DnsZone = Record<string, { A?: string[]; AAAA?: string[]; CNAME?: string }>;

/** An authoritative DNS server over UDP for `zone`; other names get NXDOMAIN. */
export async function startDns(zone: DnsZone): Promise<Running> {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const entry = question ? zone[question.name.toLowerCase()] : undefined;
      if (!question || !entry) {
        response.header.rcode = 3; // NXDOMAIN
        void send(response);
        return;
      }
      // dns2's Resource type demands a toBuffer the encoder does not need from answers.
      const answer = (type: number, value: { address: string } | { domain: string }) =>
        response.answers.push({ name: question.name, class: Packet.CLASS.IN, ttl: 60, type, ...value } as Resource);
      if (question.type === Packet.TYPE.A) for (const address of entry.A ?? []) answer(Packet.TYPE.A, { address });
      if (question.type === Packet.TYPE.AAAA) for (const address of entry.AAAA ?? []) answer(Packet.TYPE.AAAA, { address });
      if (question.type === Packet.TYPE.CNAME && entry.CNAME) answer(Packet.TYPE.CNAME, { domain: entry.CNAME });
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: LOCALHOST } });
  return { port: addresses.udp?.port ?? 0, close: () => server.close() };
}

export interface Pems {
  private: string;
  cert: string;
}

/**
 * Certificates made for the tests: `valid` for localhost and 127.0.0.1, `expiring` in 3 days (and an
 * hour, so the whole-day count is 3), and `wrongHost` for another name. EC keys are quick to make.
 */
export async function makeCertificates(): Promise<{ valid: Pems; expiring: Pems; wrongHost: Pems }> {
  const make = (cn: string, altNames: { type: 2 | 7; value?: string; ip?: string }[], days: number) =>
    selfsigned.generate([{ name: 'commonName', value: cn }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - DAY_MS),
      notAfterDate: new Date(Date.now() + days * DAY_MS + 3_600_000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    });
  const local = [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: LOCALHOST },
  ];
  const [valid, expiring, wrongHost] = await Promise.all([
    make('localhost', local, 365),
    make('localhost', local, 3),
    make('wrong.example', [{ type: 2, value: 'wrong.example' }], 365),
  ]);
  return { valid, expiring, wrongHost };
}
