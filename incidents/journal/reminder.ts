/**
 * The yearly reminder to prepare the annual extract (001 §21): a BullMQ job scheduler entry for
 * January 10, 09:00 Astana time (after the January 1–7 holidays), and the reminder's text.
 */

export const EXTRACT_REMINDER_JOB = 'journal-extract-reminder';
/** Cron in the Astana zone: 09:00 on January 10. */
export const EXTRACT_REMINDER_SCHEDULE = { pattern: '0 9 10 1 *', tz: 'Asia/Almaty' } as const;

/** The reminder for the run at `now`: the extract is of the year before. */
export function extractReminder(now: Date): { year: number; subject: string; text: string } {
  const year = new Date(now.getTime() + 5 * 3_600_000).getUTCFullYear() - 1;
  return {
    year,
    subject: `Подготовить выписку из журнала учета за ${year} год (п. 21 Правил)`,
    text: `Подготовьте и подпишите выписку из Журнала учета за ${year} год для собственника: kuzet extract --year ${year} --lang ru --format pdf --out extract-${year}.pdf`,
  };
}
