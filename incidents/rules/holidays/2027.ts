import type { HolidayYear } from './types.ts';

/**
 * 2027. Derived from the rules only; no official calendar was published when this was written.
 * Constitution Day is Mar 15 from 2027 (a Monday). Jan 2 (Sat) → Jan 4; Mar 21 (Sun) → Mar 24
 * (the first working day after Nauryz, Mar 22–23 being Mon–Tue); May 1 (Sat) → May 3; May 9 (Sun)
 * → May 10. Kurban Ait: 10 Dhu al-Hijja 1448 is expected on Sunday May 16, 2027 by the
 * astronomical calendar (one lunar year after May 27, 2026); it may be announced as Monday May 17.
 * On a Sunday it changes nothing; if it is announced as May 17, change `kurbanAit` below.
 * Government decree transfers for 2027 are usually published in the autumn before: none known.
 * Confidence: provisional — re-check against the egov.kz calendar when published.
 */
export const HOLIDAYS_2027: HolidayYear = {
  year: 2027,
  kurbanAit: '2027-05-16',
  decrees: [],
  officialWeekdaysOff: [
    '2027-01-01',
    '2027-01-04',
    '2027-01-07',
    '2027-03-08',
    '2027-03-15',
    '2027-03-22',
    '2027-03-23',
    '2027-03-24',
    '2027-05-03',
    '2027-05-07',
    '2027-05-10',
    '2027-07-06',
    '2027-10-25',
    '2027-12-16',
  ],
  confidence: 'provisional',
  checked: 'derived from the rules; Kurban Ait from the astronomical calendar; no published 2027 calendar found',
};
