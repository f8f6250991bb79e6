import type { FixedHoliday } from './types.ts';

/**
 * Fixed-date public holidays of Kazakhstan with their validity periods (docs/rules.md §2; Law of the
 * Republic of Kazakhstan "On holidays in the Republic of Kazakhstan", art. 2, 3, 5; Labour Code art. 84).
 * Kurban Ait is lunar and comes from the per-year data.
 */
export const FIXED_HOLIDAYS: readonly FixedHoliday[] = [
  { id: 'new-year-1', name: 'New Year', nameRu: 'Новый год', month: 1, day: 1, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  { id: 'new-year-2', name: 'New Year', nameRu: 'Новый год', month: 1, day: 2, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  { id: 'orthodox-christmas', name: 'Orthodox Christmas', nameRu: 'Православное Рождество', month: 1, day: 7, movesFromWeekend: false, source: 'Labour Code art. 84 §5 (a day off, never moved)' },
  { id: 'womens-day', name: "International Women's Day", nameRu: 'Международный женский день', month: 3, day: 8, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  { id: 'constitution-day-2027', name: 'Constitution Day', nameRu: 'День Конституции', month: 3, day: 15, fromYear: 2027, movesFromWeekend: true, source: 'new Constitution (referendum 2026-03-15); Ministry of Labour, March 2026: celebrated from 2027' },
  { id: 'nauryz-1', name: 'Nauryz meiramy', nameRu: 'Наурыз мейрамы', month: 3, day: 21, movesFromWeekend: true, source: 'Law "On holidays" art. 2' },
  { id: 'nauryz-2', name: 'Nauryz meiramy', nameRu: 'Наурыз мейрамы', month: 3, day: 22, movesFromWeekend: true, source: 'Law "On holidays" art. 2' },
  { id: 'nauryz-3', name: 'Nauryz meiramy', nameRu: 'Наурыз мейрамы', month: 3, day: 23, movesFromWeekend: true, source: 'Law "On holidays" art. 2' },
  { id: 'unity-day', name: "Kazakhstan People's Unity Day", nameRu: 'Праздник единства народа Казахстана', month: 5, day: 1, movesFromWeekend: true, source: 'Law "On holidays" art. 2' },
  { id: 'defender-day', name: 'Defender of the Fatherland Day', nameRu: 'День защитника Отечества', month: 5, day: 7, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  { id: 'victory-day', name: 'Victory Day', nameRu: 'День Победы', month: 5, day: 9, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  { id: 'capital-day', name: 'Capital Day', nameRu: 'День Столицы', month: 7, day: 6, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
  // Up to and including 2025; none in 2026 (Aug 31, 2026 is a working day); Mar 15 from 2027.
  { id: 'constitution-day', name: 'Constitution Day', nameRu: 'День Конституции', month: 8, day: 30, toYear: 2025, movesFromWeekend: true, source: 'Law "On holidays" art. 3, until the Constitution of 2026' },
  { id: 'republic-day', name: 'Republic Day', nameRu: 'День Республики', month: 10, day: 25, movesFromWeekend: true, source: 'Law "On holidays" art. 2' },
  { id: 'independence-day', name: 'Independence Day', nameRu: 'День Независимости', month: 12, day: 16, movesFromWeekend: true, source: 'Law "On holidays" art. 3' },
];

/** Kurban Ait is a day off under the Labour Code and never moves from a weekend. */
export const KURBAN_AIT = {
  id: 'kurban-ait',
  name: 'Kurban Ait (first day)',
  nameRu: 'Первый день Курбан айта',
  movesFromWeekend: false,
  source: 'Labour Code art. 84 §5 (a day off, never moved); date set each year',
} as const;
