/**
 * Single sign-on for the console with an OpenID Connect provider (`console.oidc` in kuzet.yaml), through
 * `openid-client`: authorization code flow with PKCE (S256), state and nonce. The provider is found
 * by discovery from its issuer; the library validates the ID token (signature, issuer, audience,
 * expiry, nonce).
 *
 * State, nonce and PKCE verifier stay in the database (sso.repo.ts), used once and for 10 minutes at
 * most; the browser holds only the state, in an HttpOnly cookie scoped to these two paths, so an
 * answer can be completed only in the browser that started it. The callback opens the same session
 * as the password form.
 *
 * Signing out of an SSO session also ends the session at the provider (OpenID Connect RP-Initiated
 * Logout 1.0): kuzet ends its own session first, then sends the browser to the provider's
 * `end_session_endpoint` with the session's ID token as `id_token_hint` and `post_logout_redirect_uri`
 * back to the sign-in page. A provider without that endpoint, or one that cannot be reached, leaves
 * the person signed out of kuzet only.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import { audit } from '../core/audit.ts';
import { isLoopbackUrl, type OidcConfig } from '../core/config.ts';
import { KuzetError } from '../core/errors.ts';
import type { ConsoleDeps } from './deps.ts';
import type { Labels } from './i18n.ts';
import { labels } from './render.ts';
import { consoleState, forbidden, sameToken, sessionCookieName, sessionCookieOptions } from './security.ts';
import { claimAt, claimValues, displayName, mapRole, usernameFrom } from './sso-claims.ts';
import { PENDING_LOGIN_MS, rememberIdToken, savePendingLogin, ssoSignIn, takeIdToken, takePendingLogin } from './sso.repo.ts';
import { SESSION_MAX_MS, actorId } from './users.repo.ts';

export const SSO_START_PATH = '/console/login/oidc';
export const SSO_CALLBACK_PATH = '/console/login/oidc/callback';
export const SSO_STATE_COOKIE = 'kuzet_oidc_state';
/** Where the provider sends the browser after its sign-out (`post_logout_redirect_uri`, after server.publicUrl): register it at the provider. */
export const SSO_POST_LOGOUT_PATH = '/console/login';
/** Seconds to wait for the provider's discovery, token and userinfo endpoints. */
const PROVIDER_TIMEOUT_S = 10;

/**
 * The provider's discovered configuration, fetched once for the current settings and again after a
 * failure or after a reload changes the issuer or the client.
 */
export class OidcClients {
  #current: { key: string; config: Promise<oidc.Configuration> } | undefined;

  get(c: OidcConfig): Promise<oidc.Configuration> {
    const key = JSON.stringify([c.issuer, c.clientId, c.clientSecret ?? null]);
    if (this.#current?.key === key) return this.#current.config;
    const issuer = new URL(c.issuer);
    const config = oidc.discovery(issuer, c.clientId, c.clientSecret, c.clientSecret ? undefined : oidc.None(), {
      timeout: PROVIDER_TIMEOUT_S,
      // The config allows plain http only on a loopback address (a development provider).
      execute: issuer.protocol === 'http:' && isLoopbackUrl(issuer) ? [oidc.allowInsecureRequests] : [],
    });
    const entry = { key, config };
    this.#current = entry;
    config.catch(() => {
      if (this.#current === entry) this.#current = undefined;
    });
    return config;
  }
}

const reasonOf = (e: unknown): string => {
  if (e instanceof oidc.ResponseBodyError || e instanceof oidc.AuthorizationResponseError)
    return `${e.error}${e.error_description ? `: ${e.error_description}` : ''}`;
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
};

/** Network trouble or a provider that cannot be read (502), as opposed to an answer that does not hold up (401). */
const unreachable = (e: unknown) =>
  !(
    e instanceof oidc.ResponseBodyError ||
    e instanceof oidc.AuthorizationResponseError ||
    e instanceof oidc.WWWAuthenticateChallengeError ||
    e instanceof oidc.ClientError
  );

/** The configuration of the provider, or a page saying it cannot be reached. */
async function discover(ctx: Context, s: Pick<SsoDeps, 'log'>, clients: OidcClients, c: OidcConfig): Promise<oidc.Configuration> {
  try {
    return await clients.get(c);
  } catch (e) {
    s.log.warn({ err: (e as Error).message, issuer: c.issuer }, 'OIDC discovery failed');
    throw new KuzetError('unavailable', labels(consoleState(ctx).lang).ssoUnavailable.replace('{reason}', reasonOf(e)), {
      status: 502,
      cause: e,
    });
  }
}

const clearStateCookie = (ctx: Context) =>
  ctx.cookies.set(SSO_STATE_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: SSO_START_PATH,
    maxAge: 0,
    overwrite: true,
  });

/** What sign-out asks of SSO: where the browser goes to end the provider's session too. */
export interface SsoSignOut {
  /**
   * The provider's end-session URL for the session with this id hash (taking its ID token), or
   * undefined for a password session, a provider without `end_session_endpoint`, or one that cannot be reached.
   */
  endSessionUrl(sessionIdHash: string): Promise<string | undefined>;
}

/** What single sign-on reads: the provider's settings, pending sign-ins and sessions in the database, the public address, the clock, the log. */
export type SsoDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now' | 'log' | 'publicUrl'>;

/** Where a sign-in may go on to: a local console path (index.ts's `safeNext`). */
type SafeNext = (v: unknown) => string;

/** `GET /console/login/oidc`: the sign-in starts at the provider, with state, nonce and PKCE kept here. */
const ssoStart = (s: SsoDeps, clients: OidcClients, safeNext: SafeNext) => async (ctx: Context) => {
  const c = s.config().console?.oidc;
  if (!c) return; // not configured: 404
  const next = safeNext(ctx.query.next);
  if (consoleState(ctx).session) {
    ctx.redirect(next);
    return;
  }
  const config = await discover(ctx, s, clients, c);
  const pending = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
    // From the configured public address (server.publicUrl), never from the request's Host: a poisoned Host must not pick where the code goes.
    redirectUri: c.redirectUrl ?? `${s.publicUrl()}${SSO_CALLBACK_PATH}`,
    next,
  };
  await savePendingLogin(s.db(), pending, ctx.ip, s.now());
  ctx.cookies.set(SSO_STATE_COOKIE, pending.state, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: SSO_START_PATH,
    maxAge: PENDING_LOGIN_MS,
    overwrite: true,
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: pending.redirectUri,
    scope: c.scopes.join(' '),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  });
  ctx.redirect(url.href);
};

/** The ID token's claims, completed from userinfo when the role or user name claim is not in the ID token. */
async function claimsOf(
  s: Pick<SsoDeps, 'log'>,
  c: OidcConfig,
  config: oidc.Configuration,
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>,
  idToken: oidc.IDToken,
): Promise<Record<string, unknown>> {
  let claims: Record<string, unknown> = { ...idToken };
  // Some providers (Keycloak's default mappers among them) put groups or the user name only in userinfo.
  if ((claimAt(claims, c.roleClaim) === undefined || claims[c.usernameClaim] === undefined) && config.serverMetadata().userinfo_endpoint) {
    try {
      claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
    } catch (e) {
      s.log.warn({ err: (e as Error).message, issuer: c.issuer }, 'OIDC userinfo failed; using the ID token alone');
    }
  }
  return claims;
}

/** Why the callback's state does not lead to a pending sign-in, for the audit log. */
const badStateReason = (state: string | undefined, cookieState: string | undefined): string =>
  !state ? 'state missing' : !cookieState ? 'no state cookie' : state !== cookieState ? 'state mismatch' : 'state unknown or expired';

/** The provider's `error` answer with its description, at most 300 characters. */
const providerErrorReason = (error: string, description: unknown): string =>
  `${error}${typeof description === 'string' ? `: ${description}` : ''}`.slice(0, 300);

/** The page's message when the account cannot be signed in through SSO. */
const ssoRefusalMessage = (L: Labels, reason: 'no-role' | 'disabled' | 'name-taken', roleClaim: string, username: string): string =>
  reason === 'no-role'
    ? L.ssoNoRole.replace('{claim}', roleClaim)
    : (reason === 'disabled' ? L.ssoDisabled : L.ssoNameTaken).replace('{name}', username);

/** `GET /console/login/oidc/callback`: the provider's answer checked, the code exchanged, the account's session opened. */
const ssoCallback = (s: SsoDeps, clients: OidcClients, safeNext: SafeNext) => async (ctx: Context) => {
  const c = s.config().console?.oidc;
  if (!c) return;
  const L = labels(consoleState(ctx).lang);
  const now = s.now();
  const cookieState = ctx.cookies.get(SSO_STATE_COOKIE);
  clearStateCookie(ctx);
  const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
  const pending = state && sameToken(state, cookieState) ? await takePendingLogin(s.db(), state, now) : undefined;
  if (!pending) {
    await audit(s.db(), {
      actor: actorId('?'),
      ip: ctx.ip,
      action: 'console.sign-in-failed',
      after: { method: 'oidc', reason: badStateReason(state, cookieState) },
      at: now,
    });
    throw new KuzetError('invalid_input', L.ssoBadState, { status: 400, field: 'state' });
  }
  const fail = async (status: 401 | 403 | 502, message: string, reason: string, cause?: unknown) => {
    await audit(s.db(), { actor: actorId('?'), ip: ctx.ip, action: 'console.sign-in-failed', after: { method: 'oidc', reason }, at: now });
    return new KuzetError(status === 403 ? 'forbidden' : status === 502 ? 'unavailable' : 'unauthorized', message, { status, cause });
  };
  if (typeof ctx.query.error === 'string') {
    const reason = providerErrorReason(ctx.query.error, ctx.query.error_description);
    throw await fail(403, L.ssoRefused.replace('{reason}', reason), reason);
  }

  const config = await discover(ctx, s, clients, c);
  const currentUrl = new URL(pending.redirectUri);
  for (const [k, v] of new URLSearchParams(ctx.querystring)) currentUrl.searchParams.append(k, v);
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
  } catch (e) {
    s.log.warn({ err: (e as Error).message, code: (e as { code?: string }).code, issuer: c.issuer }, 'OIDC code exchange failed');
    const reason = reasonOf(e);
    throw unreachable(e)
      ? await fail(502, L.ssoUnavailable.replace('{reason}', reason), reason, e)
      : await fail(401, L.ssoFailed.replace('{reason}', reason), reason, e);
  }
  const idToken = tokens.claims();
  if (!idToken) throw await fail(401, L.ssoFailed.replace('{reason}', 'no ID token'), 'no ID token');
  const claims = await claimsOf(s, c, config, tokens, idToken);

  const name = usernameFrom(claims, c.usernameClaim);
  if (!name.ok) throw await fail(403, L.ssoFailed.replace('{reason}', name.reason), name.reason);
  const r = await ssoSignIn(
    s.db(),
    {
      issuer: idToken.iss,
      subject: idToken.sub,
      username: name.username,
      name: displayName(claims),
      role: mapRole(claimAt(claims, c.roleClaim), c.roles),
      claimValues: claimValues(claimAt(claims, c.roleClaim)),
    },
    { ip: ctx.ip, userAgent: ctx.get('user-agent') },
    now,
  );
  if (!r.ok) throw forbidden(ssoRefusalMessage(L, r.reason, c.roleClaim, name.username));
  if (tokens.id_token) await rememberIdToken(s.db(), r.session.id, tokens.id_token);
  ctx.cookies.set(sessionCookieName(ctx), r.session.id, sessionCookieOptions(ctx, SESSION_MAX_MS));
  ctx.redirect(safeNext(pending.next));
};

/** Sign-out's question to SSO: the provider's end-session address for an SSO session. */
const ssoSignOut = (s: SsoDeps, clients: OidcClients): SsoSignOut => ({
  async endSessionUrl(sessionIdHash) {
    const idToken = await takeIdToken(s.db(), sessionIdHash);
    const c = s.config().console?.oidc;
    if (!idToken || !c) return undefined;
    try {
      const config = await clients.get(c);
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${s.publicUrl()}${SSO_POST_LOGOUT_PATH}`,
      }).href;
    } catch (e) {
      s.log.warn({ err: (e as Error).message, issuer: c.issuer }, 'OIDC discovery failed at sign-out; signed out of kuzet only');
      return undefined;
    }
  },
});

export function registerSso(router: Router, s: SsoDeps, safeNext: SafeNext): SsoSignOut {
  const clients = new OidcClients();
  router.get(SSO_START_PATH, ssoStart(s, clients, safeNext));
  router.get(SSO_CALLBACK_PATH, ssoCallback(s, clients, safeNext));
  return ssoSignOut(s, clients);
}
