/**
 * kuzet's corrected clock: the host clock plus the offset last measured against the reference NTP
 * server (ntp.nic.kz, docs/rules.md §8). Time measurements that compare kuzet's clock with someone
 * else's (an ETP's HTTP `Date`, a data timestamp's age) read {@link correctedNow}, so a drifting host
 * clock does not show up as an ETP's offset.
 *
 * Process-wide on purpose: there is one host clock per process, and the `ntp` check that measures it
 * and the checks that rely on it run in the same worker. Domain code still takes its clock as a
 * parameter; only probes read this.
 */

export interface MeasuredOffset {
  /** Reference clock minus host clock, ms: positive when the host clock is behind. */
  offsetMs: number;
  /** When it was measured. */
  at: Date;
  /** The server it was measured against, `host:port`. */
  source?: string;
}

let measured: MeasuredOffset | undefined;

/** Records an offset measured at `at`. A measurement older than the one kept is ignored. */
export function setMeasuredOffset(offsetMs: number, at: Date, source?: string): void {
  if (!Number.isFinite(offsetMs)) throw new RangeError(`offset must be a finite number of ms, got ${offsetMs}`);
  if (measured && at.getTime() < measured.at.getTime()) return;
  measured = { offsetMs, at, ...(source === undefined ? {} : { source }) };
}

/** The offset in use, or undefined when kuzet has not measured its clock yet. */
export function measuredOffset(): MeasuredOffset | undefined {
  return measured;
}

/** Forgets the measured offset: the corrected clock is the host clock again. */
export function clearMeasuredOffset(): void {
  measured = undefined;
}

/** The host clock corrected by the measured offset, epoch ms. */
export function correctedNowMs(hostNow: () => number = Date.now): number {
  return hostNow() + (measured?.offsetMs ?? 0);
}

/** The host clock corrected by the measured offset. */
export function correctedNow(): Date {
  return new Date(correctedNowMs());
}
