import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, describeError } from './classify.ts';

const withCode = (code: string, message = `failed ${code}`) => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  const table: [unknown, string][] = [
    [withCode('ENOTFOUND'), 'dns'],
    [withCode('EAI_AGAIN'), 'dns'],
    [withCode('ECONNREFUSED'), 'connect'],
    [withCode('ECONNRESET'), 'connect'],
    [withCode('EHOSTUNREACH'), 'connect'],
    [withCode('HPE_INVALID_CONSTANT'), 'connect'],
    [withCode('ETIMEDOUT'), 'timeout'],
    [new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET', 'other side closed') }), 'connect'],
    [withCode('UND_ERR_CLOSED'), 'connect'],
    [withCode('ERR_STREAM_PREMATURE_CLOSE'), 'connect'],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [withCode('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'timeout'],
    [withCode('CERT_HAS_EXPIRED'), 'tls'],
    [withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [withCode('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [withCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }), 'connect'],
    [new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), 'connect'],
    [new Error('undefined is not a function'), 'internal'],
    ['a string', 'internal'],
    [null, 'internal'],
  ];
  for (const [err, kind] of table) {
    it(`${(err as Error | null)?.constructor?.name ?? err} ${(err as { code?: string } | null)?.code ?? ''} → ${kind}`, () =>
      assert.equal(classifyError(err), kind));
  }

  it('calls anything after the signal aborted a timeout', () => {
    const controller = new AbortController();
    controller.abort();
    assert.equal(classifyError(withCode('ECONNRESET'), controller.signal), 'timeout');
    assert.equal(describeError(withCode('ECONNRESET'), controller.signal), 'aborted: the check timed out');
  });

  it("adds Node's code to the message once", () => {
    assert.equal(describeError(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')), 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(
      describeError(withCode('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')),
      'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
  });
});
