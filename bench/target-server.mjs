// A loopback HTTP target for the benchmarks, in its own process so it does not share kuzet's event loop
// (nor is its CPU counted as kuzet's). It serves a 20 KB page and, on request over IPC, reports how
// many requests it answered and when each check (`?c=<n>`) arrived: the bench derives start lateness.
import { createServer } from 'node:http';

const head = '<html><body><h1>Объявления</h1>';
const body = Buffer.from(head + 'x'.repeat(20 * 1024 - Buffer.byteLength(head) - 14) + '</body></html>');
let hits = 0;
/** Arrival times (ms) per check number, kept only while logging. */
let log = null;
const server = createServer((req, res) => {
  hits++;
  if (log) {
    const q = req.url.indexOf('?c=');
    if (q >= 0) {
      const c = req.url.slice(q + 3);
      (log[c] ??= []).push(Date.now());
    }
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('message', (m) => {
  if (m === 'log') log = {};
  if (m === 'report') process.send({ hits, arrivals: log ?? {} });
  if (m === 'stop-log') log = null;
});
process.on('disconnect', () => process.exit(0));
