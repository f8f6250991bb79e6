/**
 * Connection reuse of the HTTP probes (#19): a run reuses a kept-alive connection to the same origin,
 * never one older than MAX_CONNECTION_AGE_MS, opens a new one every run when told not to reuse, and
 * survives a server closing a kept-alive connection just as it is reused.
 */
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { httpProbe } from './http.probe.ts';
import { MAX_CONNECTION_AGE_MS } from './http-client.ts';
import { runChecked } from './observations.test-support.ts';
import { startHttp } from './test-servers.ts';

const ids = { system: 'portal', target: 'main', check: 'home', region: 'ast' };
const run = (config: Record<string, unknown>) => runChecked(httpProbe, config, ids, { timeoutMs: 2000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('http probe: connection reuse', () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of closers) await c();
  });

  async function countingServer() {
    const seen = new Set<Socket>();
    const s = await startHttp((req, res) => {
      seen.add(req.socket);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Объявления');
    });
    closers.push(() => s.close());
    return { url: s.url, connections: () => seen.size };
  }

  it('sends the next run to the same origin over the connection the last one left open, and says so', async () => {
    const s = await countingServer();
    const first = await run({ url: `${s.url}/a` });
    const second = await run({ url: `${s.url}/b` });
    assert.equal(first.ok, true);
    assert.equal(second.ok, true);
    assert.equal(first.observations?.reusedConnection, undefined);
    assert.equal(second.observations?.reusedConnection, true);
    assert.equal(s.connections(), 1);
  });

  it('opens a new connection every run with reuseConnections: false', async () => {
    const s = await countingServer();
    for (let i = 0; i < 3; i++) {
      const r = await run({ url: s.url, reuseConnections: false });
      assert.equal(r.ok, true);
      assert.equal(r.observations?.reusedConnection, undefined);
    }
    assert.equal(s.connections(), 3);
  });

  it(`retires a connection older than ${MAX_CONNECTION_AGE_MS / 1000} s although it is never idle`, async () => {
    const s = await countingServer();
    const end = Date.now() + MAX_CONNECTION_AGE_MS + 1500;
    let runs = 0;
    while (Date.now() < end) {
      assert.equal((await run({ url: s.url })).ok, true);
      runs++;
      await sleep(500);
    }
    assert.ok(runs >= 20, `${runs} runs`);
    assert.equal(s.connections(), 2, 'one connection for the first 10 s, a new one after');
  });

  it('sends a run once more on a new connection when the server drops a reused one without answering', async () => {
    // A raw server: on each connection it answers the first request with keep-alive and drops the
    // connection (RST) on the second, as a server closing an idle connection at that moment does.
    let connections = 0;
    const sockets = new Set<Socket>();
    const server: NetServer = createNetServer((socket) => {
      connections++;
      sockets.add(socket);
      let requests = 0;
      socket.on('data', (d) => {
        if (!d.toString().includes('\r\n\r\n')) return;
        if (++requests === 1)
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
        else socket.resetAndDestroy();
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    assert.equal((await run({ url })).ok, true);
    const second = await run({ url });
    assert.equal(second.ok, true, second.message);
    assert.equal(second.observations?.reusedConnection, undefined, 'answered on the new connection');
    assert.equal(connections, 2);
  });
});
