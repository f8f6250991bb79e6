import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issuesFromZod } from '../core/errors.ts';
import { runChecked } from './observations.test-support.ts';
import { closedPort, LOCALHOST, makeCertificates, startHttps, startTcp, type Pems, type Running } from './test-servers.ts';
import { tlsProbe, tlsSchema } from './tls.probe.ts';

const ids = { system: 'portal', target: 'main', check: 'cert', region: 'ast' };
const servers: Record<'valid' | 'expiring' | 'wrongHost', Running & { cert: Pems }> = {} as never;
let silent: Running;

before(async () => {
  const certs = await makeCertificates();
  for (const name of ['valid', 'expiring', 'wrongHost'] as const) {
    const running = await startHttps(certs[name], (_req, res) => res.end('ok'));
    servers[name] = { ...running, cert: certs[name] };
  }
  silent = await startTcp();
});
after(async () => {
  for (const s of Object.values(servers)) await s.close();
  await silent.close();
});

const check = (config: Record<string, unknown>, timeoutMs = 2000) => runChecked(tlsProbe, config, ids, { timeoutMs });
const on = (name: keyof typeof servers, extra: Record<string, unknown> = {}) => ({ host: LOCALHOST, port: servers[name].port, ...extra });

describe('tls probe', () => {
  it('passes with the CA given', async () => {
    const result = await check(on('valid', { ca: servers.valid.cert.cert }));
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /^certificate valid for 36[45] more days$/);
    assert.equal(result.observations?.subject, 'localhost');
    assert.equal(result.observations?.authorized, true);
  });

  it('passes a self-signed certificate only when allowed', async () => {
    const refused = await check(on('valid'));
    assert.deepEqual([refused.errorKind, refused.message], ['tls', 'certificate chain is not valid: DEPTH_ZERO_SELF_SIGNED_CERT']);
    const allowed = await check(on('valid', { allowSelfSigned: true }));
    assert.equal(allowed.ok, true, allowed.message);
  });

  it('checks the SNI name against the certificate', async () => {
    const result = await check(on('valid', { servername: 'localhost', ca: servers.valid.cert.cert }));
    assert.equal(result.ok, true, result.message);
  });

  it('fails a certificate close to expiry', async () => {
    const result = await check(on('expiring', { ca: servers.expiring.cert.cert }));
    assert.deepEqual([result.errorKind, result.message], ['tls', 'certificate expires in 3 days (< 14)']);
    assert.equal(result.observations?.daysToExpiry, 3);
    const relaxed = await check(on('expiring', { ca: servers.expiring.cert.cert, minDaysToExpiry: 2 }));
    assert.equal(relaxed.ok, true, relaxed.message);
  });

  it('fails a certificate for another host, unless told not to check', async () => {
    const ca = servers.wrongHost.cert.cert;
    const result = await check(on('wrongHost', { ca }));
    assert.equal(result.errorKind, 'tls');
    assert.equal(result.message, 'certificate does not match "127.0.0.1" (it names DNS:wrong.example)');
    const named = await check(on('wrongHost', { ca, servername: 'portal.kz' }));
    assert.equal(named.message, 'certificate does not match "portal.kz" (it names DNS:wrong.example)');
    const unchecked = await check(on('wrongHost', { ca, checkHostname: false }));
    assert.equal(unchecked.ok, true, unchecked.message);
  });

  it('a server that never does the handshake ends by the timeout', async () => {
    const result = await check({ host: LOCALHOST, port: silent.port }, 100);
    assert.deepEqual([result.errorKind, result.message], ['timeout', 'timeout after 100 ms']);
  });

  it('a closed port is a connect error', async () => {
    const result = await check({ host: LOCALHOST, port: await closedPort() });
    assert.equal(result.errorKind, 'connect');
  });

  it('a plain-text server is a tls error', async () => {
    const plain = await startTcp((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      const result = await check({ host: LOCALHOST, port: plain.port });
      assert.equal(result.errorKind, 'tls', result.message);
    } finally {
      await plain.close();
    }
  });

  it('applies defaults', () => {
    assert.deepEqual(tlsSchema.parse({ host: 'goszakup.gov.kz' }), {
      host: 'goszakup.gov.kz',
      port: 443,
      minDaysToExpiry: 14,
      checkHostname: true,
      allowSelfSigned: false,
    });
  });

  const invalid: [unknown, string][] = [
    [{}, 'host: Invalid input: expected string, received undefined'],
    [{ host: 'a.kz', port: 0 }, 'port: Too small: expected number to be >=1'],
    [{ host: 'a.kz', minDaysToExpiry: -1 }, 'minDaysToExpiry: Too small: expected number to be >=0'],
    [{ host: 'a.kz', ca: 'not a pem' }, 'ca: expected a PEM certificate'],
    [{ host: 'a.kz', insecure: true }, 'Unrecognized key: "insecure"'],
  ];
  for (const [config, message] of invalid) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      const first = issuesFromZod(tlsSchema.safeParse(config).error?.issues ?? [])[0];
      assert.equal(first?.field ? `${first.field}: ${first.message}` : first?.message, message);
    });
  }
});
