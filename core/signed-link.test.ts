import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSignedPath, signPath } from './signed-link.ts';

describe('signed links', () => {
  const key = Buffer.alloc(32, 7);
  const now = new Date('2026-03-26T10:00:00+05:00');
  const link = signPath(key, '/api/v1/runs/5/artifacts/screenshot.png', new Date(now.getTime() + 3_600_000));
  const q = new URLSearchParams(link.split('?')[1]);
  const check = (path: string, at: Date, o: { key?: Buffer; sig?: string } = {}) =>
    checkSignedPath(o.key ?? key, path, q.get('expires')!, o.sig ?? q.get('sig')!, at);
  it('holds for its path until it expires', () => {
    assert.equal(check('/api/v1/runs/5/artifacts/screenshot.png', now), 'ok');
    assert.equal(check('/api/v1/runs/5/artifacts/screenshot.png', new Date(now.getTime() + 3_600_001)), 'expired');
  });
  it('another path, another key or a changed signature is refused', () => {
    assert.equal(check('/api/v1/runs/6/artifacts/screenshot.png', now), 'invalid');
    assert.equal(check('/api/v1/runs/5/artifacts/screenshot.png', now, { key: Buffer.alloc(32, 8) }), 'invalid');
    assert.equal(check('/api/v1/runs/5/artifacts/screenshot.png', now, { sig: 'A'.repeat(43) }), 'invalid');
    assert.equal(checkSignedPath(key, '/x', '99999999999999', 'x', now), 'invalid');
  });
});
