import type { HolidayYear } from './types.ts';

/**
 * 2024. Checked against the published 2024 calendar (egov.kz calendar as reported by mgorod.kz and
 * aqshamnews.kz, January 2024): Mar 23 (Sat) → Mar 25; Jul 6 (Sat) → Jul 8; Kurban Ait Jun 16 (Sunday,
 * not moved); Jan 7 on a Sunday (not moved); Aug 30, Oct 25 on Fridays, Dec 16 on a Monday. Decree
 * transfer: the day of rest of Saturday May 4 moved to Wednesday May 8 (the government's draft "О
 * переносе дня отдыха в 2024 году", reported by alataunews.kz, April 2024). The ministry's early
 * working-time balance (248 days) predates the Kurban Ait date; with Kurban Ait on a Sunday and the
 * May swap the year has 249 working days.
 * Confidence: high for the law-derived days; medium-high for the May 4/8 decree (seen as a draft
 * for public discussion and widely reported as the May schedule).
 */
export const HOLIDAYS_2024: HolidayYear = {
  year: 2024,
  kurbanAit: '2024-06-16',
  decrees: [{ workingDay: '2024-05-04', dayOff: '2024-05-08', act: 'Government decree "On moving a day of rest in 2024" (May 4 → May 8)' }],
  officialWeekdaysOff: [
    '2024-01-01',
    '2024-01-02',
    '2024-03-08',
    '2024-03-21',
    '2024-03-22',
    '2024-03-25',
    '2024-05-01',
    '2024-05-07',
    '2024-05-08',
    '2024-05-09',
    '2024-07-08',
    '2024-08-30',
    '2024-10-25',
    '2024-12-16',
  ],
  confidence: 'high',
  checked: 'egov.kz 2024 calendar via press (mgorod.kz 2024-01-04, aqshamnews.kz); May 4→8 decree (alataunews.kz)',
};
