import net from 'node:net';
import tls from 'node:tls';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { z } from 'zod';
import { errorOutcome, roundMs } from './classify.ts';
import type { Probe, ProbeOutcome } from './types.ts';

const DAY_MS = 86_400_000;
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

export const tlsSchema = z.strictObject({
  host: z.string().min(1),
  /** @default 443 */
  port: z.number().int().min(1).max(65535).default(443),
  /** SNI name and the name the certificate must match; defaults to `host` (no SNI when `host` is an IP). */
  servername: z.string().min(1).optional(),
  /** Fail when the certificate expires in fewer days: renewing takes time, so a warning must come early. @default 14 */
  minDaysToExpiry: z.number().int().min(0).default(14),
  /** @default true */
  checkHostname: z.boolean().default(true),
  /** Accept a self-signed certificate (other chain errors still fail). @default false */
  allowSelfSigned: z.boolean().default(false),
  /** Extra trusted CA certificates (PEM), added to the system's. */
  ca: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'expected a PEM certificate' }).optional(),
});
export type TlsConfig = z.output<typeof tlsSchema>;

/** The certificate a handshake found and how it was judged; absent when no certificate arrived. */
export const tlsObservation = z.object({
  /** The common name; a list when the certificate names several. */
  subject: z.union([z.string(), z.array(z.string())]).optional(),
  issuer: z.union([z.string(), z.array(z.string())]).optional(),
  validFrom: z.string(),
  validTo: z.string(),
  subjectAltName: z.string().optional(),
  fingerprint256: z.string(),
  /** Whole days until `validTo`; negative once it has passed. */
  daysToExpiry: z.number().int(),
  authorized: z.boolean(),
  /** Node's code for a chain that did not verify (e.g. `DEPTH_ZERO_SELF_SIGNED_CERT`). */
  authorizationError: z.string().optional(),
  protocol: z.string().nullable(),
});
export type TlsObservation = z.output<typeof tlsObservation>;

/** Completes a TLS handshake and checks the certificate chain, the host name and the days left to expiry. */
export const tlsProbe: Probe<typeof tlsSchema, TlsObservation> = {
  kind: 'tls',
  schema: tlsSchema,
  observation: tlsObservation,
  run(config, ctx) {
    return new Promise<ProbeOutcome<TlsObservation>>((resolve) => {
      const started = performance.now();
      const servername = config.servername ?? (net.isIP(config.host) ? undefined : config.host);
      // Verification is done below instead of by Node, so every problem gets its own message.
      const socket = tls.connect({
        host: config.host,
        port: config.port,
        servername,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        ...(config.ca ? { ca: [...tls.rootCertificates, config.ca] } : {}),
      });
      const done = (outcome: ProbeOutcome<TlsObservation>) => {
        ctx.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(outcome);
      };
      const onAbort = () => done(errorOutcome(ctx.signal.reason, ctx.signal));
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      socket.on('error', (err) => done(errorOutcome(err, ctx.signal)));
      socket.on('close', () => done({ ok: false, errorKind: 'tls', message: 'the server closed the connection during the handshake' }));
      socket.on('secureConnect', () => done(inspect(socket, config, roundMs(performance.now() - started), new Date())));
    });
  },
};

/** Checks an established connection's certificate. */
export function inspect(socket: TLSSocket, config: TlsConfig, latencyMs: number, now: Date): ProbeOutcome<TlsObservation> {
  const cert = socket.getPeerCertificate(true);
  if (!cert || Object.keys(cert).length === 0) return { ok: false, errorKind: 'tls', message: 'the server sent no certificate', latencyMs };
  const daysToExpiry = Math.floor((Date.parse(cert.valid_to) - now.getTime()) / DAY_MS);
  const chainError = socket.authorized ? undefined : String(socket.authorizationError ?? 'UNKNOWN');
  const observations: TlsObservation = {
    ...certFacts(cert),
    daysToExpiry,
    authorized: socket.authorized,
    authorizationError: chainError,
    protocol: socket.getProtocol(),
  };
  const fail = (message: string): ProbeOutcome<TlsObservation> => ({ ok: false, errorKind: 'tls', message, latencyMs, observations });

  if (daysToExpiry < 0 || chainError === 'CERT_HAS_EXPIRED')
    return fail(`certificate expired ${-daysToExpiry} days ago (${cert.valid_to})`);
  if (chainError && !(config.allowSelfSigned && SELF_SIGNED.has(chainError))) return fail(`certificate chain is not valid: ${chainError}`);
  if (config.checkHostname) {
    const name = config.servername ?? config.host;
    const mismatch = tls.checkServerIdentity(name, cert);
    const names = cert.subjectaltname || `CN=${cert.subject?.CN ?? '?'}`;
    if (mismatch) return fail(`certificate does not match "${name}" (it names ${names})`);
  }
  if (daysToExpiry < config.minDaysToExpiry) return fail(`certificate expires in ${daysToExpiry} days (< ${config.minDaysToExpiry})`);
  return { ok: true, message: `certificate valid for ${daysToExpiry} more days`, latencyMs, observations };
}

function certFacts(
  cert: DetailedPeerCertificate,
): Pick<TlsObservation, 'subject' | 'issuer' | 'validFrom' | 'validTo' | 'subjectAltName' | 'fingerprint256'> {
  return {
    subject: cert.subject?.CN,
    issuer: cert.issuer?.CN,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    subjectAltName: cert.subjectaltname,
    fingerprint256: cert.fingerprint256,
  };
}
