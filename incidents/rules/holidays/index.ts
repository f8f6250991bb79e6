import { HOLIDAYS_2024 } from './2024.ts';
import { HOLIDAYS_2025 } from './2025.ts';
import { HOLIDAYS_2026 } from './2026.ts';
import { HOLIDAYS_2027 } from './2027.ts';
import { HOLIDAYS_2028 } from './2028.ts';
import type { HolidayYear } from './types.ts';

export { FIXED_HOLIDAYS, KURBAN_AIT } from './public-holidays.ts';
export type { Confidence, DecreeTransfer, FixedHoliday, HolidayYear } from './types.ts';

/** Every year the working calendar covers, in order. Add a year by adding its file here. */
export const HOLIDAY_YEARS: readonly HolidayYear[] = [HOLIDAYS_2024, HOLIDAYS_2025, HOLIDAYS_2026, HOLIDAYS_2027, HOLIDAYS_2028];
