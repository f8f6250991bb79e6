import type { HolidayYear } from './types.ts';

/**
 * 2028. Derived from the rules only, like 2027; no official calendar exists yet.
 * Jan 1 (Sat) → Jan 3 and Jan 2 (Sun) → Jan 4; Jan 7 is a Friday. Mar 8 and Mar 15 (Constitution
 * Day) are Wednesdays; Nauryz Mar 21–23 is Tue–Thu. May 7 (Sun) → May 8; May 1 a Monday, May 9 a
 * Tuesday. Jul 6 a Thursday, Oct 25 a Wednesday. Dec 16 (Sat) → Dec 18.
 * Kurban Ait: 10 Dhu al-Hijja 1449 is expected on Friday May 5, 2028 by the astronomical (Umm al-Qura)
 * calendar — the same calendar gives 2024-06-16, 2025-06-06 and 2026-05-27, the dates Kazakhstan
 * announced. Unconfirmed until the government's decree; a tabular calendar gives Thursday May 4.
 * If it is announced on another day, change `kurbanAit` and `officialWeekdaysOff` below.
 * Government decree transfers for 2028 are usually published in the autumn before: none known.
 * Confidence: provisional — re-check against the egov.kz calendar when published.
 */
export const HOLIDAYS_2028: HolidayYear = {
  year: 2028,
  kurbanAit: '2028-05-05',
  decrees: [],
  officialWeekdaysOff: [
    '2028-01-03',
    '2028-01-04',
    '2028-01-07',
    '2028-03-08',
    '2028-03-15',
    '2028-03-21',
    '2028-03-22',
    '2028-03-23',
    '2028-05-01',
    '2028-05-05',
    '2028-05-08',
    '2028-05-09',
    '2028-07-06',
    '2028-10-25',
    '2028-12-18',
  ],
  confidence: 'provisional',
  checked:
    'derived from the rules; Kurban Ait from the astronomical (Umm al-Qura) calendar, no decree yet; no published 2028 calendar found',
};
