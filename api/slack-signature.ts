/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack), pure:
 * `v0=` + hex HMAC-SHA256 with the app's signing secret over `v0:{X-Slack-Request-Timestamp}:{raw body}`.
 * A timestamp more than five minutes from now is refused (a captured request cannot be replayed later;
 * within the five minutes the route refuses a signature it has seen). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now: Slack's own recommendation. */
export const SLACK_MAX_SKEW_MS = 5 * 60_000;

export type SlackVerdict = 'ok' | 'missing' | 'stale' | 'invalid';

/** The signature Slack sends for `body` at `timestamp` (Unix seconds) with `secret`. */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Whether `signature` signs `body` at `timestamp` with one of `secrets` (several Slack apps, or a secret being rotated). */
export function verifySlackSignature(o: {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  nowMs: number;
}): SlackVerdict {
  if (!o.timestamp || !o.signature) return 'missing';
  if (!/^\d{1,12}$/.test(o.timestamp) || !/^v0=[0-9a-f]{64}$/.test(o.signature)) return 'invalid';
  if (Math.abs(o.nowMs - Number(o.timestamp) * 1000) > SLACK_MAX_SKEW_MS) return 'stale';
  const got = Buffer.from(o.signature);
  let ok = false;
  // Every secret is tried (no early exit), so the time taken does not tell which one matched.
  for (const secret of o.secrets) {
    const want = Buffer.from(slackSignature(secret, o.timestamp, o.body));
    if (want.length === got.length && timingSafeEqual(want, got)) ok = true;
  }
  return ok ? 'ok' : 'invalid';
}
