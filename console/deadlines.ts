/**
 * `/console/deadlines` (issue #21 item 7): the deadline extensions of `kuzet deadlines` for a
 * procurement officer, as the same table in the page's language (procurement, deadline, was,
 * becomes, the rule and its point; Astana time). A computation: nothing is stored, so nothing is
 * audited; any signed-in viewer may use it.
 */
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { InputError } from '../core/errors.ts';
import { POLICY_REGISTRY, deadlinesTable, rulesDeadlines } from '../incidents/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { html } from './pages.ts';
import { labels } from './render.ts';
import { consoleState } from './security.ts';

/** The README's worked example (shipped beside the code), as the form's starting input. */
function exampleInput(): string {
  try {
    return readFileSync(new URL('../docs/examples/deadlines-medium.json', import.meta.url), 'utf8');
  } catch {
    return '';
  }
}
const EXAMPLE = exampleInput();

type DeadlinesDeps = Pick<ConsoleDeps, 'now'>;

function show(ctx: Context, s: DeadlinesDeps, input: string, extra: Record<string, unknown> = {}): void {
  html(ctx, s, 'deadlines', { input, ...extra }, { title: labels(consoleState(ctx).lang).deadlines });
}

/** The input's problems, each with its path: shown in the form, which keeps what was typed. */
function problemsOf(e: InputError): { field: string; message: string }[] {
  return e.issues.map((i) => ({ field: i.field ?? 'input', message: i.message }));
}

function compute(ctx: Context, s: DeadlinesDeps): void {
  const { lang } = consoleState(ctx);
  const text = consoleState(ctx).form.input ?? '';
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    ctx.status = 400;
    return show(ctx, s, text, { problems: [{ field: 'input', message: `not valid JSON: ${(e as Error).message}` }] });
  }
  try {
    show(ctx, s, text, { table: deadlinesTable(rulesDeadlines(input), lang, POLICY_REGISTRY) });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    ctx.status = 400;
    show(ctx, s, text, { problems: problemsOf(e) });
  }
}

export function registerDeadlinesPage(router: Router, s: DeadlinesDeps): void {
  router.get('/console/deadlines', (ctx) => show(ctx, s, EXAMPLE));
  router.post('/console/deadlines', (ctx) => compute(ctx, s));
}
