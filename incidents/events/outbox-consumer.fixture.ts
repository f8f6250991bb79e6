/**
 * Test fixture run as a child process: an outbox consumer on PostgreSQL (schema from argv) that
 * appends each handled event key to a file, slowly, so the test can kill it mid-stream.
 */
import { appendFileSync } from 'node:fs';
import { openDb } from '../../core/db.ts';
import { OutboxConsumer } from './outbox.ts';

const [url, schema, file] = process.argv.slice(2) as [string, string, string];
const db = await openDb({ databaseUrl: url, schema });
const consumer = new OutboxConsumer(db, 'notifier', async (e) => {
  appendFileSync(file, `${e.key}\n`);
  await new Promise((r) => setTimeout(r, 30));
});
await consumer.drain(5);
await db.close();
