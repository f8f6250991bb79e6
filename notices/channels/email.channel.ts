/**
 * E-mail over SMTP with nodemailer: both languages, HTML and text parts, a Message-ID derived from the
 * idempotency key (a resend after a crash carries the same id, so mail systems can fold it), and
 * one-click unsubscribe headers (RFC 8058) for subscribers.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Channel } from './types.ts';
import { bilingualHtml, bilingualText, bilingualTitle, escapeHtml } from './format.ts';

export interface EmailConfig {
  id: string;
  smtpUrl: string;
  from: string;
  to: string[];
}

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

export const emailChannel: Channel<EmailConfig> = {
  type: 'email',
  async send(cfg, msg) {
    const unsub = msg.unsubscribeUrl;
    try {
      const info = await (await transport(cfg.smtpUrl)).sendMail({
        from: cfg.from,
        to: msg.recipient,
        subject: bilingualTitle(msg.texts),
        text: bilingualText(msg.texts, unsub ? `Жазылымнан бас тарту / Отписаться: ${unsub}` : ''),
        html: bilingualHtml(msg.texts, unsub ? `<p><a href="${escapeHtml(unsub)}">Жазылымнан бас тарту / Отписаться</a></p>` : ''),
        messageId: messageIdOf(msg.key),
        headers: {
          'X-Kuzet-Event': msg.event,
          'X-Kuzet-Idempotency-Key': msg.key,
          ...(unsub ? { 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
        },
      });
      return { ok: true, ref: String(info.messageId) };
    } catch (e) {
      const err = e as { responseCode?: number; message: string };
      // 5xx from the server: the address or message is refused and a retry will not help.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode !== 554;
      return { ok: false, error: `smtp: ${err.message}`, retryable: !permanent };
    }
  },
};
