import type { HolidayYear } from './types.ts';

/**
 * 2025. Checked against the published 2025 calendar (pobipb.kz "Календарь выходных и праздничных
 * дней на 2025 год": 246 working days; mgorod.kz on Kurban Ait; ktk.kz 2024-11-28 on January):
 * Mar 8 (Sat) → Mar 10; Mar 22–23 (Sat–Sun) → Mar 24–25; Jul 6 (Sun) → Jul 7; Aug 30 (Sat) → Sep 1;
 * Oct 25 (Sat) → Oct 27; Kurban Ait Friday Jun 6; Jan 7 a Tuesday. Decree transfer: Friday Jan 3
 * is a day off and Sunday Jan 5 is worked in its place (Ministry of Labour, November 2024).
 * The derived calendar has 246 working days, as published.
 * Confidence: high.
 */
export const HOLIDAYS_2025: HolidayYear = {
  year: 2025,
  kurbanAit: '2025-06-06',
  decrees: [
    {
      workingDay: '2025-01-05',
      dayOff: '2025-01-03',
      act: 'Government decree on moving days of rest in 2025 (Sunday Jan 5 worked for Friday Jan 3)',
    },
  ],
  officialWeekdaysOff: [
    '2025-01-01',
    '2025-01-02',
    '2025-01-03',
    '2025-01-07',
    '2025-03-10',
    '2025-03-21',
    '2025-03-24',
    '2025-03-25',
    '2025-05-01',
    '2025-05-07',
    '2025-05-09',
    '2025-06-06',
    '2025-07-07',
    '2025-09-01',
    '2025-10-27',
    '2025-12-16',
  ],
  confidence: 'high',
  checked: 'pobipb.kz 2025 calendar (246 working days), ktk.kz 2024-11-28 (Jan 3/Jan 5), mgorod.kz (Kurban Ait Jun 6)',
};
