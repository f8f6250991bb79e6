/**
 * E-mail subscriptions from the status site: double opt-in (a confirmation e-mail, nothing is sent to
 * an address before its owner clicks), one-click unsubscribe in every e-mail (RFC 8058). The token is
 * 192 random bits, one per (address, system); it is both the confirmation and the unsubscribe key.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../core/audit.ts';
import { systemOf, type KuzetConfig } from '../core/config.ts';
import type { Db } from '../core/db.ts';
import { InputError, NotFoundError } from '../core/errors.ts';
import { RateLimitedError, takeLimit } from '../core/rate-limit.ts';
import { templateData } from './content.ts';
import { fanOut, insertDeliveries, type DeliveryRow } from './delivery.ts';
import { parseWith, type Lang } from './model.ts';
import * as repo from './subscription.repo.ts';
import type { NoticeTemplates } from './templates.ts';

const subscribeSchema = z.strictObject({
  email: z.email('must be an e-mail address').max(254),
  system: z.string().min(1, 'required').max(100),
  lang: z.enum(['kk', 'ru']).default('kk'),
});

export interface SubscriptionDeps {
  db: () => Db;
  config: () => KuzetConfig;
  templates: NoticeTemplates;
  enqueue?: (rows: DeliveryRow[]) => Promise<void>;
  /** The configured public address (`server.publicUrl`): confirmation links are built from it, never from a request's Host. */
  publicUrl?: () => string;
  now?: () => Date;
}

export class Subscriptions {
  constructor(private readonly d: SubscriptionDeps) {}

  /**
   * Stores a pending subscription and queues its confirmation e-mail. Answers the same whether or not
   * the address was known, and whether or not a mail went out: one address is mailed at most once per
   * `server.subscriptions.mailEvery`, whoever asks (else anyone could mail-bomb it through kuzet).
   * Too many requests from one client address: 429.
   */
  async subscribe(input: unknown, ip: string | null): Promise<void> {
    const v = parseWith(subscribeSchema, input);
    const cfg = this.d.config();
    const sys = systemOf(cfg, v.system);
    if (!sys) throw new InputError(`unknown system "${v.system}"; one of: ${Object.keys(cfg.systems).join(', ')}`, 'system');
    const email = v.email.toLowerCase();
    const now = this.d.now?.() ?? new Date();
    const limits = cfg.server.subscriptions;
    if (ip) {
      const perIp = await takeLimit(this.d.db(), `subscribe-ip:${ip}`, limits.perIp.max, limits.perIp.window, now);
      if (!perIp.allowed)
        throw new RateLimitedError(
          `too many subscription requests from this address; try again in ${perIp.retryAfterSeconds} s`,
          perIp.retryAfterSeconds,
        );
    }
    const token = randomBytes(24).toString('base64url');
    const base = this.d.publicUrl?.() ?? '';
    const rows = await this.d.db().transaction(async (tx) => {
      const existing = await repo.subscriptionOf(tx, email, v.system);
      if (existing?.state === 'confirmed') return [];
      const tok = existing?.token ?? token;
      await repo.upsertPendingSubscription(tx, {
        id: `sub_${randomBytes(6).toString('hex')}`,
        email,
        system: v.system,
        token: tok,
        lang: v.lang,
      });
      const mail = await takeLimit(tx, `subscribe-mail:${email}`, 1, limits.mailEvery, now);
      await audit(tx, {
        actor: 'public:status-site',
        ip,
        action: 'subscription.request',
        subject: `${v.system}:${email}`,
        ...(mail.allowed ? {} : { after: { mailed: false, reason: 'address mailed recently' } }),
      });
      if (!mail.allowed) return [];
      const confirmUrl = `${base}/status/subscribe/confirm?token=${encodeURIComponent(tok)}`;
      const data = (lang: Lang) => ({
        ...templateData(
          {
            kind: 'incident',
            id: '-',
            system: v.system,
            modules: [],
            policy: sys.policy,
            phase: 'opened',
            description: { ru: '-' },
            extensions: [],
            affected: [],
            contacts: [],
            recipients: [],
            unplanned: false,
          },
          lang,
          { systemName: sys.name, version: 0 },
        ),
        confirmUrl,
      });
      const texts = this.d.templates.render(sys.policy, 'subscribe-confirm', data);
      const out = fanOut(
        `subscribe:${tok}:${Date.now()}`,
        { threadKey: `subscribe:${tok}`, texts, data: { kind: 'subscribe-confirm' } },
        cfg.notifications.channels,
        [{ email }],
        { chat: false },
      );
      await insertDeliveries(tx, out);
      return out;
    });
    await this.d.enqueue?.(rows).catch(() => undefined);
  }

  async confirm(token: string, ip: string | null): Promise<{ system: string }> {
    return this.d.db().transaction(async (tx) => {
      const row = await repo.confirmSubscription(tx, token);
      if (!row) throw new NotFoundError('no such subscription, or it was cancelled');
      await audit(tx, { actor: 'public:status-site', ip, action: 'subscription.confirm', subject: `${row.system}:${row.email}` });
      return { system: row.system };
    });
  }

  async unsubscribe(token: string, ip: string | null): Promise<void> {
    await this.d.db().transaction(async (tx) => {
      const row = await repo.cancelSubscription(tx, token);
      if (row) await audit(tx, { actor: 'public:status-site', ip, action: 'subscription.cancel', subject: `${row.system}:${row.email}` });
    });
  }
}
