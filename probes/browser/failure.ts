/**
 * Why a browser step failed, classified like every other probe's failure. Chromium reports network
 * errors as `net::ERR_*` text, not Node error codes, so they get their own table here.
 */
import type { ErrorKind } from '../types.ts';

/** A step's failure with its classified kind; `reason` reads as the tail of the result message. */
export class StepFailure extends Error {
  readonly kind: ErrorKind;
  readonly reason: string;
  constructor(reason: string, kind: ErrorKind, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'StepFailure';
    this.reason = reason;
    this.kind = kind;
  }
}

const NET_ERRORS: ReadonlyArray<[RegExp, ErrorKind]> = [
  [/net::ERR_NAME_(NOT_RESOLVED|RESOLUTION_FAILED)/, 'dns'],
  [/net::ERR_(CERT_|SSL_|BAD_SSL)/, 'tls'],
  [/net::ERR_(TIMED_OUT|CONNECTION_TIMED_OUT)/, 'timeout'],
  [
    /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|CONNECTION_FAILED|EMPTY_RESPONSE|ADDRESS_UNREACHABLE|INTERNET_DISCONNECTED|INVALID_RESPONSE|SOCKET_NOT_CONNECTED)/,
    'connect',
  ],
];

const CLOSED = /Target page, context or browser has been closed|Browser has been closed|browser has disconnected|Target closed/i;

/** `10 s`, `2.5 s`: how limits read in messages. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function isTimeoutError(err: unknown): boolean {
  return (err as Error | null)?.name === 'TimeoutError';
}

function isForeignStepFailure(err: unknown): err is { reason: string; kind: ErrorKind } {
  return (
    err instanceof Error &&
    err.name === 'StepFailure' &&
    typeof (err as { reason?: unknown }).reason === 'string' &&
    typeof (err as { kind?: unknown }).kind === 'string'
  );
}

/**
 * Turns anything thrown inside a step into a {@link StepFailure}. After the run's signal fired, a
 * closed page is the timeout's doing; otherwise a closed browser is kuzet's problem (`internal`).
 * Errors from the journey's own code (node:assert, a thrown Error) are the page not being what the
 * journey expects: `assertion`.
 */
export function classifyStepError(err: unknown, signal: AbortSignal): StepFailure {
  if (err instanceof StepFailure) return err;
  // A `.ts` journey run by the compiled kuzet imports the sources' StepFailure, another class: keep its kind and reason.
  if (isForeignStepFailure(err)) return new StepFailure(err.reason, err.kind, { cause: err });
  const message = firstLine(err);
  if (signal.aborted) return new StepFailure('the journey timed out', 'timeout', { cause: err });
  if (CLOSED.test(message)) return new StepFailure('the browser closed or crashed during the step', 'internal', { cause: err });
  for (const [re, kind] of NET_ERRORS) {
    const m = re.exec(message);
    if (m) return new StepFailure(`navigation failed: ${netCode(message)}`, kind, { cause: err });
  }
  return new StepFailure(message, isTimeoutError(err) ? 'timeout' : 'assertion', { cause: err });
}

function netCode(message: string): string {
  return /net::ERR_[A-Z_]+/.exec(message)?.[0] ?? message;
}

export function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? msg).trim();
}
