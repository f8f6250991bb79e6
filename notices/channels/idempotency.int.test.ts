/**
 * A delivery resent after a crash carries the same identity as the first send, derived from the event
 * (its outbox key `event|channel|recipient`): e-mail the same `Message-ID`, a webhook the same
 * `Idempotency-Key`, so receivers drop the repeat. Another event gets another identity.
 * Real SMTP and HTTP peers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fanOut } from '../delivery.ts';
import { startSmtp, startWebhook } from '../test-support.ts';
import { closeEmailTransports, emailChannel, messageIdOf } from './email.channel.ts';
import type { ChannelContext, ChannelMessage } from './types.ts';
import { webhookChannel } from './webhook.channel.ts';

describe('channel idempotency', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startWebhook>>;
  before(async () => {
    [smtp, hook] = await Promise.all([startSmtp(), startWebhook()]);
  });
  after(async () => {
    closeEmailTransports();
    await Promise.all([smtp?.close(), hook?.close()]);
  });

  const ctx: ChannelContext = { signal: new AbortController().signal, threads: { get: async () => undefined, set: async () => undefined } };
  const texts = { kk: { title: 'Іркіліс', text: 'мәтін' }, ru: { title: 'Сбой', text: 'текст' } };
  const messages = (event: string) => {
    const channels = [
      { id: 'mail', type: 'email' as const, smtpUrl: smtp.url, from: 'kuzet@operator.kz', to: ['oncall@operator.kz'] },
      { id: 'hook', type: 'webhook' as const, url: hook.url, secret: 's3cret' },
    ];
    const rows = fanOut(event, { threadKey: event, texts, data: { kind: 'incident' } }, channels as never, []);
    const of = (channel: string): ChannelMessage => {
      const r = rows.find((x) => x.channel === channel)!;
      return { key: r.key, event: r.event, threadKey: event, recipient: r.recipient, texts, data: {} };
    };
    return { mail: of('mail'), hook: of('hook') };
  };

  it('a resend has the same Message-ID and Idempotency-Key; another event has others', async () => {
    const first = messages('notice:INC-2026-000001:v1');
    const other = messages('notice:INC-2026-000001:v2');
    for (const m of [first, first, other]) {
      assert.deepEqual(
        await emailChannel.send({ type: 'email', id: 'mail', smtpUrl: smtp.url, from: 'kuzet@operator.kz', to: [] } as never, m.mail, ctx),
        { ok: true, ref: messageIdOf(m.mail.key) },
      );
      assert.equal(
        (await webhookChannel.send({ type: 'webhook', id: 'hook', url: hook.url, secret: 's3cret' } as never, m.hook, ctx)).ok,
        true,
      );
    }
    const ids = smtp.mails.map((m) => m.messageId);
    assert.equal(ids.length, 3);
    assert.equal(ids[0], ids[1], 'the resend folds into the first mail');
    assert.notEqual(ids[0], ids[2]);
    assert.equal(ids[0], messageIdOf('notice:INC-2026-000001:v1|mail|oncall@operator.kz'));
    const keys = hook.calls.map((c) => c.key);
    assert.deepEqual(keys, [
      'notice:INC-2026-000001:v1|hook|' + hook.url,
      'notice:INC-2026-000001:v1|hook|' + hook.url,
      'notice:INC-2026-000001:v2|hook|' + hook.url,
    ]);
  });
});
