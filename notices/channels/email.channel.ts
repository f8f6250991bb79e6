/**
 * E-mail over SMTP with nodemailer: both languages, HTML and text parts, a Message-ID derived from the
 * idempotency key (a resend after a crash carries the same id, so mail systems can fold it), and
 * one-click unsubscribe headers (RFC 8058) for subscribers.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { deliveryKey, type Channel, type ChannelRecipient, type ConfiguredChannel } from './types.ts';
import { bilingualHtml, bilingualText, bilingualTitle, escapeHtml } from './format.ts';

const schema = z.strictObject({ smtpUrl: z.string().min(1), from: z.string().min(1), to: z.array(z.email()).default([]) });
export type EmailConfig = ConfiguredChannel<typeof schema>;

const transports = new Map<string, Transporter>();
/** nodemailer loads with the first e-mail (a process that sends none does not hold it). */
async function transport(url: string): Promise<Transporter> {
  let t = transports.get(url);
  if (!t) {
    const { default: nodemailer } = await import('nodemailer');
    // Another delivery may have made it while this one waited for the module.
    const made = transports.get(url);
    if (made) return made;
    t = nodemailer.createTransport(url, { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 } as never);
    transports.set(url, t);
  }
  return t;
}

export const messageIdOf = (key: string) => `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@kuzet.notices>`;

export function closeEmailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

/** The mail as nodemailer takes it, without sender and recipient. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

export const emailChannel: Channel<typeof schema, RenderedMail> = {
  type: 'email',
  schema,
  /**
   * The configured addresses (on-call, first in the queue), then the people: each address once per
   * channel, whatever its case.
   */
  recipients(cfg, audience) {
    const out: ChannelRecipient[] = [];
    const seen = new Set<string>();
    const once = (email: string, priority: number, unsubscribeUrl?: string) => {
      if (seen.has(email.toLowerCase())) return;
      seen.add(email.toLowerCase());
      out.push({ recipient: email, priority, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) });
    };
    if (audience.chat) for (const to of cfg.to) once(to, 1);
    for (const r of audience.people) once(r.email, r.oncall ? 1 : 5, r.unsubscribeUrl);
    return out;
  },
  idempotencyKey: deliveryKey,
  render(msg) {
    const unsub = msg.unsubscribeUrl;
    return {
      subject: bilingualTitle(msg.texts),
      text: bilingualText(msg.texts, unsub ? `Жазылымнан бас тарту / Отписаться: ${unsub}` : ''),
      html: bilingualHtml(msg.texts, unsub ? `<p><a href="${escapeHtml(unsub)}">Жазылымнан бас тарту / Отписаться</a></p>` : ''),
      messageId: messageIdOf(msg.key),
      headers: {
        'X-Kuzet-Event': msg.event,
        'X-Kuzet-Idempotency-Key': msg.key,
        ...(unsub ? { 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      },
    };
  },
  async send(cfg, msg) {
    try {
      const info = await (await transport(cfg.smtpUrl)).sendMail({ from: cfg.from, to: msg.recipient, ...emailChannel.render(msg) });
      return { ok: true, ref: String(info.messageId) };
    } catch (e) {
      const err = e as { responseCode?: number; message: string };
      // 5xx from the server: the address or message is refused and a retry will not help.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode !== 554;
      return { ok: false, error: `smtp: ${err.message}`, retryable: !permanent };
    }
  },
};
