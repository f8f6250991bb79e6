import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, NetworkList, parseCidr } from './network.ts';

describe('network', () => {
  it('parses CIDR networks and refuses what is not one', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'example.org', '10.0.0/8', '1.2.3.4/8/1', '', '::1/129', '10.0.0.1/x'])
      assert.equal(parseCidr(bad), undefined, bad);
  });

  it('counts an IPv4-mapped prefix over 128 bits, as IPv6 writes it', () => {
    assert.deepEqual(parseCidr('::ffff:10.0.0.1'), { address: '10.0.0.1', prefix: 32, family: 'ipv4' });
    assert.deepEqual(parseCidr('::ffff:10.0.0.0/104'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('::FFFF:192.0.2.7/128'), { address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    assert.deepEqual(parseCidr('::ffff:0.0.0.0/96'), { address: '0.0.0.0', prefix: 0, family: 'ipv4' });
    // Read as IPv4 /8 before (refused at start: `::ffff:10.0.0.0/104` was), and a prefix under 96 is not within the mapped range.
    for (const bad of ['::ffff:10.0.0.0/8', '::ffff:10.0.0.0/32', '::ffff:10.0.0.0/95', '::ffff:10.0.0.0/129'])
      assert.equal(parseCidr(bad), undefined, bad);
    const list = new NetworkList(['::ffff:10.0.0.0/104']);
    assert.deepEqual(
      ['10.9.8.7', '::ffff:10.9.8.7', '11.0.0.1'].map((ip) => list.has(ip)),
      [true, true, false],
    );
  });

  const trusted = new NetworkList(['127.0.0.1/32', '10.0.0.0/8', '::1/128']);
  // [peer, X-Forwarded-For, client]
  const cases: [string, string | undefined, string][] = [
    ['203.0.113.7', '1.2.3.4', '203.0.113.7'], // an untrusted peer names no one
    ['::ffff:203.0.113.7', undefined, '203.0.113.7'],
    ['127.0.0.1', undefined, '127.0.0.1'],
    ['127.0.0.1', '198.51.100.1', '198.51.100.1'],
    ['127.0.0.1', '6.6.6.6, 198.51.100.1', '198.51.100.1'], // the left part is the client's own writing
    ['127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3', '198.51.100.1'], // through two proxies
    ['::1', '10.0.0.5, 10.0.0.6', '10.0.0.5'], // all trusted: the left-most
    ['127.0.0.1', 'garbage, 10.0.0.9', '10.0.0.9'], // not an address: the last trusted hop
  ];
  for (const [peer, xff, want] of cases) {
    it(`peer ${peer}, X-Forwarded-For ${xff ?? '-'} → ${want}`, () => assert.equal(clientAddress(peer, xff, trusted), want));
  }
  it('trusts no one by default', () => assert.equal(clientAddress('127.0.0.1', '1.2.3.4', new NetworkList([])), '127.0.0.1'));
});
