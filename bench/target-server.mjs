// A loopback HTTP target for the benchmarks, in its own process so it does not share kuzet's event loop.
import { createServer } from 'node:http';

const body = Buffer.from('<html><body><h1>Объявления</h1></body></html>');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('disconnect', () => process.exit(0));
