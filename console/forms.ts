/** Form values to service input: Astana wall-clock times from `datetime-local` inputs, optional fields dropped when empty. */
import { InputError } from '../core/errors.ts';
import { astanaWallClockToMs, formatAstana, tryParseDateTimeMs } from '../core/time.ts';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `2026-03-26T09:30` (an Astana wall clock, as a `datetime-local` input sends it) or a full ISO date-time → `…+05:00`. */
export function astanaInput(v: string | undefined, field: string): string | undefined {
  const t = v?.trim();
  if (!t) return undefined;
  const m = LOCAL.exec(t);
  if (m) {
    const [y, mo, d, h, mi, se] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
      throw new InputError('not a date and time (Astana time, e.g. 2026-03-26T09:30)', field);
    return formatAstana(astanaWallClockToMs({ year: y, month: mo, day: d, hour: h, minute: mi, second: se }));
  }
  if (tryParseDateTimeMs(t) !== undefined) return t;
  throw new InputError('not a date and time (Astana time, e.g. 2026-03-26T09:30)', field);
}

/** The value a `datetime-local` input shows for an instant: its Astana wall clock to the minute. */
export const localValue = (instant: Date | number | string | null | undefined) =>
  instant === null || instant === undefined ? '' : formatAstana(typeof instant === 'string' ? new Date(instant) : instant).slice(0, 16);

/** The non-empty trimmed values of `names`. */
export function pick(form: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = form[n]?.trim();
    if (v) out[n] = v;
  }
  return out;
}
