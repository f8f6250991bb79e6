/**
 * `kuzet deadlines --input FILE.json [--format json|text] [--lang ru|kk]`: the deadline extensions as
 * JSON (the API's answer) or as the table a procurement officer reads (issue #21 item 7).
 */
import { InputError } from '../core/errors.ts';
import { DEADLINE_TEXT_LANGS, POLICY_REGISTRY, renderDeadlinesText, rulesDeadlines, type DeadlineTextLang } from '../incidents/index.ts';

export const DEADLINES_FORMATS = ['json', 'text'] as const;
export type DeadlinesFormat = (typeof DEADLINES_FORMATS)[number];

export function deadlinesFormat(v: string): DeadlinesFormat {
  if (!(DEADLINES_FORMATS as readonly string[]).includes(v))
    throw new InputError(`must be one of ${DEADLINES_FORMATS.join(', ')}`, 'format');
  return v as DeadlinesFormat;
}

export function deadlinesLang(v: string): DeadlineTextLang {
  if (!(DEADLINE_TEXT_LANGS as readonly string[]).includes(v))
    throw new InputError(`must be one of ${DEADLINE_TEXT_LANGS.join(', ')}`, 'lang');
  return v as DeadlineTextLang;
}

/** What the command prints for `input`, ending in a newline. */
export function deadlinesCommandOutput(input: unknown, o: { format?: DeadlinesFormat; lang?: DeadlineTextLang }): string {
  const out = rulesDeadlines(input);
  if ((o.format ?? 'json') === 'text') return renderDeadlinesText(out, o.lang ?? 'ru', POLICY_REGISTRY);
  return `${JSON.stringify(out)}\n`;
}
