import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issuesFromZod } from '../core/errors.ts';
import { dnsProbe, dnsSchema, normalize } from './dns.probe.ts';
import { runChecked } from './observations.test-support.ts';
import { LOCALHOST, startDns, startSilentUdp, type Running } from './test-servers.ts';

const ids = { system: 'portal', target: 'dns', check: 'apex', region: 'ast' };
let server: Running;
let silent: Running;
before(async () => {
  server = await startDns({
    'goszakup.test': { A: ['10.0.0.1', '10.0.0.2'], AAAA: ['2001:db8::1'] },
    'www.goszakup.test': { CNAME: 'goszakup.test' },
    'empty.test': {},
  });
  silent = await startSilentUdp();
});
after(async () => {
  await server.close();
  await silent.close();
});

const check = (config: Record<string, unknown>, timeoutMs = 2000) =>
  runChecked(dnsProbe, { resolver: `${LOCALHOST}:${server.port}`, ...config }, ids, { timeoutMs });

describe('dns probe', () => {
  const cases: [Record<string, unknown>, string | null, string][] = [
    [{ name: 'goszakup.test' }, null, 'goszakup.test A → 10.0.0.1, 10.0.0.2'],
    [{ name: 'goszakup.test', expect: ['10.0.0.2', '10.0.0.1'] }, null, 'goszakup.test A → 10.0.0.1, 10.0.0.2'],
    [{ name: 'goszakup.test', expect: ['10.0.0.1'] }, 'assertion', 'goszakup.test A is 10.0.0.1, 10.0.0.2: unexpected 10.0.0.2'],
    [{ name: 'goszakup.test', expect: ['10.0.0.1'], match: 'contains' }, null, 'goszakup.test A → 10.0.0.1, 10.0.0.2'],
    [
      { name: 'goszakup.test', expect: ['10.0.0.9'], match: 'contains' },
      'assertion',
      'goszakup.test A is 10.0.0.1, 10.0.0.2: missing 10.0.0.9',
    ],
    [{ name: 'goszakup.test', recordType: 'AAAA', expect: ['2001:DB8:0:0::1'] }, null, 'goszakup.test AAAA → 2001:db8:0:0:0:0:0:1'],
    [{ name: 'www.goszakup.test', recordType: 'CNAME', expect: ['GOSZAKUP.test.'] }, null, 'www.goszakup.test CNAME → goszakup.test'],
    [{ name: 'missing.test' }, 'dns', 'missing.test A: no such name (NXDOMAIN)'],
    [{ name: 'empty.test' }, 'dns', 'empty.test A: no records (ENODATA)'],
  ];
  for (const [config, kind, message] of cases) {
    it(`${JSON.stringify(config)} → ${kind ?? 'ok'}`, async () => {
      const result = await check(config);
      assert.equal(result.errorKind, kind, result.message);
      assert.equal(result.message, message);
    });
  }

  it('observes the values and the resolver', async () => {
    const result = await check({ name: 'goszakup.test' });
    assert.deepEqual(result.observations, { values: ['10.0.0.1', '10.0.0.2'], resolver: `${LOCALHOST}:${server.port}` });
  });

  it('a resolver that never answers ends by the runner timeout', async () => {
    const result = await check({ name: 'goszakup.test', resolver: `${LOCALHOST}:${silent.port}` }, 150);
    assert.deepEqual([result.errorKind, result.message], ['timeout', 'timeout after 150 ms']);
  });

  it("the resolver's own timeout is a timeout too", async () => {
    const result = await check({ name: 'goszakup.test', resolver: `${LOCALHOST}:${silent.port}`, timeout: 50 });
    assert.equal(result.errorKind, 'timeout');
    assert.match(result.message, /ETIMEOUT/);
  });

  it('normalizes values', () => {
    assert.equal(normalize('AAAA', '2001:0DB8::0001'), '2001:db8:0:0:0:0:0:1');
    assert.equal(normalize('AAAA', '::1'), '0:0:0:0:0:0:0:1');
    assert.equal(normalize('CNAME', 'A.Kz.'), 'a.kz');
  });

  const invalid: [unknown, string][] = [
    [{}, 'name: Invalid input: expected string, received undefined'],
    [{ name: 'a.kz', recordType: 'MX' }, 'recordType: Invalid option: expected one of "A"|"AAAA"|"CNAME"'],
    [{ name: 'a.kz', expect: ['10.0.0.300'] }, 'expect[0]: "10.0.0.300" is not an IPv4 address'],
    [{ name: 'a.kz', recordType: 'AAAA', expect: ['10.0.0.1'] }, 'expect[0]: "10.0.0.1" is not an IPv6 address'],
    [{ name: 'a.kz', expect: [] }, 'expect: Too small: expected array to have >=1 items'],
    [
      { name: 'a.kz', resolver: 'dns.google' },
      'resolver: expected an IP address with an optional port, like "10.0.0.2", "127.0.0.1:5353" or "[::1]:53"',
    ],
    [
      { name: 'a.kz', resolver: '127.0.0.1:99999' },
      'resolver: expected an IP address with an optional port, like "10.0.0.2", "127.0.0.1:5353" or "[::1]:53"',
    ],
    [{ name: 'a.kz', match: 'subset' }, 'match: Invalid option: expected one of "exact"|"contains"'],
  ];
  for (const [config, message] of invalid) {
    it(`refuses ${JSON.stringify(config)}`, () => {
      const first = issuesFromZod(dnsSchema.safeParse(config).error?.issues ?? [])[0];
      assert.equal(first?.field ? `${first.field}: ${first.message}` : first?.message, message);
    });
  }

  it('accepts resolver forms setServers takes', () => {
    for (const resolver of ['10.0.0.2', '127.0.0.1:5353', '[::1]:53', '::1'])
      assert.equal(dnsSchema.safeParse({ name: 'a.kz', resolver }).success, true, resolver);
  });
});
