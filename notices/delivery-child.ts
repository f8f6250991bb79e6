/**
 * A delivery worker in its own process, for the crash test (notices/delivery-crash.int.test.ts):
 * `node --import tsx notices/delivery-child.ts <databaseUrl> <schema> <redisUrl> <prefix> <smtpUrl | slack:<apiUrl>>`.
 */
import { Redis } from 'ioredis';
import { openDb } from '../core/db.ts';
import { silentLogger } from '../core/log.ts';
import { Deliveries } from './delivery.ts';

const [databaseUrl, schema, redisUrl, prefix, smtpUrl] = process.argv.slice(2) as [string, string, string, string, string];
const db = await openDb({ databaseUrl, schema });
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const deliveries = new Deliveries({
  db,
  connection,
  prefix,
  channels: () =>
    smtpUrl.startsWith('slack:')
      ? [{ id: 'slack', type: 'slack', token: 'xoxb-crash-test', channel: '#crash', apiUrl: smtpUrl.slice('slack:'.length) }]
      : [{ id: 'mail', type: 'email', smtpUrl, from: 'kuzet@operator.kz', to: [] }],
  log: silentLogger,
  concurrency: 1,
  lockDurationMs: 2_000,
  sweepEveryMs: 1_000,
  backoffMs: 200,
});
deliveries.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void deliveries.close().then(async () => {
    connection.disconnect();
    await db.close();
    process.exit(0);
  });
});
