import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issuesFromZod } from '../core/errors.ts';
import { runChecked } from './observations.test-support.ts';
import { tcpProbe, tcpSchema } from './tcp.probe.ts';
import { closedPort, LOCALHOST, startTcp, type Running } from './test-servers.ts';

const ids = { system: 'portal', target: 'db', check: 'port', region: 'ast' };
const check = (config: Record<string, unknown>, timeoutMs = 2000) => runChecked(tcpProbe, config, ids, { timeoutMs });

let redis: Running; // answers PING with +PONG, like Redis
let greeter: Running; // says hello and closes
before(async () => {
  redis = await startTcp((socket) => socket.on('data', (d) => socket.write(d.toString().startsWith('PING') ? '+PONG\r\n' : '-ERR\r\n')));
  greeter = await startTcp((socket) => socket.end('220 smtp.local ready\r\n'));
});
after(async () => {
  await redis.close();
  await greeter.close();
});

describe('tcp probe', () => {
  it('passes once connected', async () => {
    const result = await check({ host: LOCALHOST, port: redis.port });
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /^connected in [\d.]+ ms$/);
    assert.equal(typeof result.observations?.connectMs, 'number');
  });

  it('sends and expects a reply', async () => {
    const result = await check({ host: LOCALHOST, port: redis.port, send: 'PING\r\n', expect: '+PONG' });
    assert.equal(result.ok, true, result.message);
    assert.equal(result.observations?.received, '+PONG\r\n');
  });

  it('fails when the server closes without the expected text', async () => {
    const result = await check({ host: LOCALHOST, port: greeter.port, expect: '220 mail' });
    assert.equal(result.errorKind, 'assertion');
    assert.equal(result.message, 'connection closed before "220 mail" arrived (received "220 smtp.local ready\\r\\n")');
  });

  it('times out when the expected text never comes', async () => {
    const result = await check({ host: LOCALHOST, port: redis.port, expect: 'never' }, 100);
    assert.deepEqual([result.errorKind, result.message], ['timeout', 'timeout after 100 ms']);
  });

  it('a closed port is a connect error', async () => {
    const result = await check({ host: LOCALHOST, port: await closedPort() });
    assert.equal(result.errorKind, 'connect');
    assert.match(result.message, /ECONNREFUSED/);
  });

  const invalid: [unknown, string][] = [
    [{ host: LOCALHOST }, 'port: Invalid input: expected number, received undefined'],
    [{ host: LOCALHOST, port: 70000 }, 'port: Too big: expected number to be <=65535'],
    [{ host: '', port: 1 }, 'host: Too small: expected string to have >=1 characters'],
    [{ host: LOCALHOST, port: 1, tls: true }, 'Unrecognized key: "tls"'],
  ];
  for (const [config, message] of invalid) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      const first = issuesFromZod(tcpSchema.safeParse(config).error?.issues ?? [])[0];
      assert.equal(first?.field ? `${first.field}: ${first.message}` : first?.message, message);
    });
  }
});
