/**
 * Status-site subscriptions (`notice_subscriptions`): every statement of notices/subscriptions.ts. Each
 * takes the caller's transaction, so the audit entry and the confirmation mail commit with it.
 */
import type { Queryable } from '../core/db.ts';

export async function subscriptionOf(tx: Queryable, email: string, system: string): Promise<{ token: string; state: string } | undefined> {
  return (
    await tx.query<{ token: string; state: string }>('SELECT token, state FROM notice_subscriptions WHERE email = $1 AND system = $2', [
      email,
      system,
    ])
  )[0];
}

/** A new subscription waiting for its confirmation, or an existing one back to waiting (its token kept). */
export async function upsertPendingSubscription(
  tx: Queryable,
  s: { id: string; email: string; system: string; token: string; lang: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO notice_subscriptions (id, email, system, token, state, lang) VALUES ($1, $2, $3, $4, 'pending', $5)
         ON CONFLICT (email, system) DO UPDATE SET state = 'pending', lang = EXCLUDED.lang`,
    [s.id, s.email, s.system, s.token, s.lang],
  );
}

/** Confirms the subscription of this token unless it was cancelled; undefined when there is none. */
export async function confirmSubscription(tx: Queryable, token: string): Promise<{ system: string; email: string } | undefined> {
  return (
    await tx.query<{ system: string; email: string }>(
      "UPDATE notice_subscriptions SET state = 'confirmed', confirmed_at = now() WHERE token = $1 AND state <> 'unsubscribed' RETURNING system, email",
      [token],
    )
  )[0];
}

export async function cancelSubscription(tx: Queryable, token: string): Promise<{ system: string; email: string } | undefined> {
  return (
    await tx.query<{ system: string; email: string }>(
      "UPDATE notice_subscriptions SET state = 'unsubscribed' WHERE token = $1 RETURNING system, email",
      [token],
    )
  )[0];
}
