import type { ErrorKind, Observations, ProbeOutcome } from './types.ts';

/**
 * The one place that maps Node's network error codes to an {@link ErrorKind}, so every probe names a
 * failure the same way. Anything after the runner's signal fired is a timeout, whatever the socket said.
 */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'EADDRNOTAVAIL',
  // undici (fetch): the peer closed the socket or the stream ended early — the target's doing, not kuzet's.
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ABORT_ERR',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TLS_CODES = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** The `code` of an error, looking through one level of `cause` (undici and AggregateError wrap the real one). */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== err) return errorCode(cause);
  const inner = (err as { errors?: unknown[] } | null)?.errors?.[0];
  return inner === undefined ? undefined : errorCode(inner);
}

/**
 * `internal` is kept for what is kuzet's own failure (a probe's bug, an unknown local error such as
 * EMFILE): such a run is unknown, not down (issue #16 item 9), so the target's network failures must
 * never land there.
 */
export function classifyError(err: unknown, signal?: AbortSignal): ErrorKind {
  if (signal?.aborted) return 'timeout';
  const code = errorCode(err);
  if (code === undefined) return (err as Error | null)?.name === 'AbortError' ? 'timeout' : 'internal';
  if (DNS_CODES.has(code)) return 'dns';
  if (CONNECT_CODES.has(code) || code.startsWith('HPE_')) return 'connect';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT')) return 'tls';
  return 'internal';
}

/** A human-readable message for a network error: what failed, then Node's code. */
export function describeError(err: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'aborted: the check timed out';
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === undefined || message.includes(code)) return message;
  return `${message} (${code})`;
}

/** The outcome of a run that failed with a thrown network error. */
export function errorOutcome<O extends Observations = never>(err: unknown, signal?: AbortSignal, observations?: O): ProbeOutcome<O> {
  return { ok: false, errorKind: classifyError(err, signal), message: describeError(err, signal), observations };
}

/** Rounds a duration to 0.1 ms: finer digits are noise from the event loop. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Several failed assertions are reported together, so one run tells the whole story. */
export function verdict<O extends Observations>(
  failures: string[],
  okMessage: string,
  latencyMs: number,
  observations: O,
): ProbeOutcome<O & { failures?: string[] }> {
  if (failures.length === 0) return { ok: true, message: okMessage, latencyMs, observations };
  return { ok: false, errorKind: 'assertion', message: failures.join('; '), latencyMs, observations: { ...observations, failures } };
}
