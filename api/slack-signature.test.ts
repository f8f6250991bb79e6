/** Slack's v0 request signature: the documented example, and every way a request is refused. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SLACK_MAX_SKEW_MS, slackSignature, verifySlackSignature } from './slack-signature.ts';

// The example of Slack's "Verifying requests from Slack" page: secret, timestamp, body and the signature it gives.
const SLACK_DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('Slack request signature', () => {
  const at = Number(SLACK_DOC.timestamp) * 1000;
  const base = {
    secrets: [SLACK_DOC.secret],
    timestamp: SLACK_DOC.timestamp,
    signature: SLACK_DOC.signature,
    body: SLACK_DOC.body,
    nowMs: at,
  };

  it("computes Slack's documented example", () => {
    assert.equal(slackSignature(SLACK_DOC.secret, SLACK_DOC.timestamp, SLACK_DOC.body), SLACK_DOC.signature);
  });

  const cases: [string, Partial<typeof base>, string][] = [
    ['the documented request, on time', {}, 'ok'],
    ['one of several secrets matches', { secrets: ['another-secret-of-some-length', SLACK_DOC.secret] }, 'ok'],
    ['4 min 59 s late', { nowMs: at + SLACK_MAX_SKEW_MS - 1000 }, 'ok'],
    ['5 min 1 s late', { nowMs: at + SLACK_MAX_SKEW_MS + 1000 }, 'stale'],
    ['5 min 1 s early (a clock ahead)', { nowMs: at - SLACK_MAX_SKEW_MS - 1000 }, 'stale'],
    ['no timestamp', { timestamp: undefined }, 'missing'],
    ['no signature', { signature: undefined }, 'missing'],
    ['a changed body', { body: `${SLACK_DOC.body}&x=1` }, 'invalid'],
    ['a wrong secret', { secrets: ['not-the-signing-secret-0000'] }, 'invalid'],
    ['no secret at all', { secrets: [] }, 'invalid'],
    ['the timestamp changed (signed with another)', { timestamp: String(Number(SLACK_DOC.timestamp) + 1), nowMs: at + 1000 }, 'invalid'],
    ['a v1 signature', { signature: SLACK_DOC.signature.replace('v0=', 'v1=') }, 'invalid'],
    ['a truncated signature', { signature: SLACK_DOC.signature.slice(0, 40) }, 'invalid'],
    ['upper-case hex', { signature: SLACK_DOC.signature.toUpperCase().replace('V0=', 'v0=') }, 'invalid'],
    ['a timestamp that is not a number', { timestamp: '15314206l8' }, 'invalid'],
  ];
  for (const [what, change, verdict] of cases) {
    it(`${what}: ${verdict}`, () => assert.equal(verifySlackSignature({ ...base, ...change }), verdict));
  }

  it('a signature made independently with node:crypto verifies', () => {
    const ts = '1764748800';
    const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
    const sig = `v0=${createHmac('sha256', 'a-signing-secret-123').update(`v0:${ts}:${body}`).digest('hex')}`;
    assert.equal(
      verifySlackSignature({ secrets: ['a-signing-secret-123'], timestamp: ts, signature: sig, body, nowMs: 1764748800_000 }),
      'ok',
    );
  });
});
