import type { HolidayYear } from './types.ts';

/**
 * 2026. The official calendar as amended, exactly as docs/rules.md §2 lists it: Jan 1, 2, 7;
 * Mar 9 (for Mar 8, a Sunday); Mar 23, 24, 25 (Nauryz; Mar 21–22 on the weekend); May 1, 7,
 * 11 (for May 9, a Saturday); May 27 (Kurban Ait); Jul 6; Oct 26 (for Oct 25, a Sunday); Dec 16.
 * Aug 31 is a working day: Aug 30 is no longer Constitution Day (Ministry of Labour, March 2026,
 * reported by taspanews.kz 2026-03-18); the egov.kz calendar of January 2026 (inform.kz 2026-01-02)
 * still showed Aug 30 → Aug 31 and was amended. No decree transfers.
 * Confidence: official (tested day by day).
 */
export const HOLIDAYS_2026: HolidayYear = {
  year: 2026,
  kurbanAit: '2026-05-27',
  decrees: [],
  officialWeekdaysOff: [
    '2026-01-01',
    '2026-01-02',
    '2026-01-07',
    '2026-03-09',
    '2026-03-23',
    '2026-03-24',
    '2026-03-25',
    '2026-05-01',
    '2026-05-07',
    '2026-05-11',
    '2026-05-27',
    '2026-07-06',
    '2026-10-26',
    '2026-12-16',
  ],
  confidence: 'official',
  checked: 'docs/rules.md §2 (verified list); inform.kz 2026-01-02 (egov.kz calendar); taspanews.kz 2026-03-18 (Aug 30 dropped)',
};
