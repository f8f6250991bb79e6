/**
 * The yearly reminder to prepare the annual extract (001 §21): a BullMQ job scheduler entry for
 * January 10, 09:00 Astana time (after the January 1–7 holidays), and the reminder's texts.
 */
import { astanaParts } from '../core/time.ts';
import type { Lang } from './labels.ts';

export const EXTRACT_REMINDER_JOB = 'journal-extract-reminder';
/** Cron in the Astana zone: 09:00 on January 10. */
export const EXTRACT_REMINDER_SCHEDULE = { pattern: '0 9 10 1 *', tz: 'Asia/Almaty' } as const;

export interface ExtractReminder {
  /** The year the extract is of: the one before the run's Astana year. */
  year: number;
  subject: string;
  text: string;
  /** Both languages, as notices carry them (`{ru: {title, text}, kk: …}`). */
  texts: Record<Lang, { title: string; text: string }>;
}

/** The reminder for the run at `now`: the extract is of the year before. */
export function extractReminder(now: Date): ExtractReminder {
  const year = astanaParts(now).year - 1;
  const command = `kuzet extract --year ${year} --lang ru --format pdf --out extract-${year}.pdf`;
  const texts = {
    ru: {
      title: `Подготовить выписку из журнала учета за ${year} год (п. 21 Правил)`,
      text: `Подготовьте и подпишите выписку из Журнала учета за ${year} год для собственника: ${command} (или GET /api/v1/journal?from=${year}-01-01&to=${year}-12-31).`,
    },
    kk: {
      title: `${year} жылғы есепке алу журналынан үзінді көшірмені дайындау (Қағидалардың 21-тармағы)`,
      text: `Меншік иесі үшін ${year} жылғы Есепке алу журналынан үзінді көшірмені дайындап, қол қойыңыз: ${command.replace('--lang ru', '--lang kk').replace('.pdf', '-kk.pdf')}.`,
    },
  };
  return { year, subject: texts.ru.title, text: texts.ru.text, texts };
}
