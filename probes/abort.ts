/**
 * Rejects with the signal's reason as soon as it aborts (an `Error('aborted')` when the reason is
 * not an Error); the underlying promise keeps running and its later rejection is swallowed.
 * Without a signal, the promise itself.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  const reason = () => (signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      reject(reason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * `p`, but once the signal aborts it waits at most `graceMs` more and then settles with
 * `fallback()`: for work that should finish on its own after an abort (and report what it saw) but
 * may wait on a peer that never answers. The underlying promise keeps running; its rejection is swallowed.
 */
export function settleAfterAbort<T>(p: Promise<T>, signal: AbortSignal, graceMs: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => settle(fallback()), graceMs);
  };
  let settle: (v: T) => void = () => undefined;
  const late = new Promise<T>((resolve) => {
    settle = resolve;
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  });
}
