/**
 * `kuzet deadlines --input FILE.json [--format json|text] [--lang ru|kk]`: the deadline extensions as
 * JSON (the API's answer) or as the table a procurement officer reads (issue #21 item 7). Loaded by
 * the command's action only, so the other commands start without the rules engine.
 */
import { POLICY_REGISTRY, renderDeadlinesText, rulesDeadlines, type DeadlineTextLang } from '../incidents/index.ts';

/** What the command prints for `input`, ending in a newline. */
export function deadlinesCommandOutput(input: unknown, o: { format: 'json' | 'text'; lang: DeadlineTextLang }): string {
  const out = rulesDeadlines(input);
  return o.format === 'text' ? renderDeadlinesText(out, o.lang, POLICY_REGISTRY) : `${JSON.stringify(out)}\n`;
}
