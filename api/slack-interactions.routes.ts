/**
 * Slack's interactivity callback (issue #21 item 1): `POST /api/v1/slack/interactions`, the Request URL
 * of the Slack app's "Interactivity & Shortcuts". The "Acknowledge" button of an incident alert lands
 * here as a form-encoded `payload=` JSON of type `block_actions`.
 *
 * Public by necessity (Slack calls it), so nothing is believed before the signature is checked: the
 * body is read raw up to {@link SLACK_BODY_LIMIT}, the signature must be Slack's v0 HMAC of it with a
 * configured signing secret (`signingSecret` of a `slack` channel), the timestamp within five minutes,
 * and the same signed request is taken once only (a replay is refused). Without any signing secret the
 * route does not exist (404). The acknowledgement is the same one the console and the API make:
 * audited with the Slack user and Slack's address, on the timeline, idempotent.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError, KuzetError, NotFoundError, UnavailableError, issuesFromZod } from '../core/errors.ts';
import type { IncidentService } from '../incidents/index.ts';
import { SLACK_ACK_ACTION } from '../notices/index.ts';
import { readBodyText } from './http-util.ts';
import { SLACK_MAX_SKEW_MS, verifySlackSignature, type SlackVerdict } from './slack-signature.ts';
import { firstSighting } from './slack.repo.ts';

export const SLACK_INTERACTIONS_PATH = '/api/v1/slack/interactions';
/** Slack's block_actions payloads carry the whole message; ours stay well below this. */
export const SLACK_BODY_LIMIT = 128 * 1024;

export interface SlackRouteDeps {
  config: () => KuzetConfig;
  db: () => Db | undefined;
  service: () => IncidentService | undefined;
  now: () => Date;
}

/** The part of a block_actions payload kuzet reads; anything else in it is ignored. */
const blockActions = z.object({
  type: z.literal('block_actions', { error: 'only block_actions interactions are handled' }),
  user: z.object({ id: z.string().min(1).max(64), username: z.string().max(200).optional(), name: z.string().max(200).optional() }),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() })).min(1, 'no action'),
});

const REFUSED: Record<Exclude<SlackVerdict, 'ok'>, string> = {
  missing: 'X-Slack-Request-Timestamp and X-Slack-Signature are required',
  stale: 'the request timestamp is more than five minutes away from now; refused as a possible replay',
  invalid: 'the Slack signature does not match the body with any configured signing secret',
};

const unauthorized = (message: string) => new KuzetError('unauthorized', message, { status: 401 });

/** The signing secrets of the configured Slack channels. */
export const slackSigningSecrets = (cfg: KuzetConfig): string[] =>
  cfg.notifications.channels.flatMap((c) => (c.type === 'slack' && c.signingSecret ? [c.signingSecret] : []));

/** The verified body: signature, freshness and first sighting checked, in that order. */
async function verifiedBody(ctx: Context, d: SlackRouteDeps, db: Db, secrets: readonly string[]): Promise<string> {
  const body = await readBodyText(ctx, SLACK_BODY_LIMIT);
  const now = d.now();
  const signature = ctx.get('x-slack-signature') || undefined;
  const verdict = verifySlackSignature({
    secrets,
    timestamp: ctx.get('x-slack-request-timestamp') || undefined,
    signature,
    body,
    nowMs: now.getTime(),
  });
  if (verdict !== 'ok') throw unauthorized(REFUSED[verdict]);
  if (!(await firstSighting(db, signature as string, now, new Date(now.getTime() - 2 * SLACK_MAX_SKEW_MS))))
    throw unauthorized('this signed request was already taken; refused as a replay');
  return body;
}

/** The payload's JSON, parsed: 400 naming the field when it is not a block_actions interaction. */
function interaction(body: string): z.output<typeof blockActions> {
  const raw = new URLSearchParams(body).get('payload');
  if (raw === null) throw new InputError('a form field `payload` with the interaction JSON is required', 'payload');
  let json: unknown;
  try {
    json = JSON.parse(raw) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, 'payload');
  }
  const r = blockActions.safeParse(json);
  if (!r.success) throw new InputError(issuesFromZod(r.error.issues, 'payload'));
  return r.data;
}

/** `POST /api/v1/slack/interactions`: a signed click on an alert's button acknowledges its incident. */
const interactions = (d: SlackRouteDeps) => async (ctx: Context) => {
  const secrets = slackSigningSecrets(d.config());
  if (secrets.length === 0) throw new NotFoundError('Slack interactivity is not configured: give a slack channel its signingSecret');
  const db = d.db();
  const service = d.service();
  if (!db || !service) throw new UnavailableError('the incident service is not running yet');
  const p = interaction(await verifiedBody(ctx, d, db, secrets));
  const ack = p.actions.find((a) => a.action_id === SLACK_ACK_ACTION);
  if (!ack) {
    ctx.status = 200; // another app's or an older message's action: nothing of kuzet's to do
    ctx.body = { ok: true, handled: false };
    return;
  }
  if (!ack.value) throw new InputError('the acknowledge action carries no incident id', 'payload.actions[0].value');
  const r = await service.acknowledge(
    ack.value,
    {},
    { id: `slack:${p.user.id}`, name: p.user.username ?? p.user.name, ip: ctx.ip, via: 'slack' },
  );
  ctx.body = { ok: true, handled: true, incident: ack.value, acknowledgement: r.ack, alreadyAcknowledged: r.already };
};

export function registerSlackRoutes(router: Router, d: SlackRouteDeps): void {
  router.post(SLACK_INTERACTIONS_PATH, interactions(d));
}
