/**
 * docs/rules.md as `npm run docs` writes it: the template's prose around tables rendered from the
 * rule objects (renderRulesDoc). Both the writer (docs/generate.ts) and the drift test read it here,
 * so they cannot disagree on what goes in.
 */
import { readFileSync } from 'node:fs';
import { DESKS, POLICIES, renderRulesDoc, type RulesDocInput } from '../incidents/index.ts';
import { ETP_TIME_RULE } from '../etp/index.ts';

export const RULES_TEMPLATE = new URL('./rules.template.md', import.meta.url);
export const RULES_DOC = new URL('./rules.md', import.meta.url);

/** The rule objects the document is rendered from. */
export function rulesDocInput(): RulesDocInput {
  return { policies: POLICIES, desks: DESKS, requirements: [ETP_TIME_RULE] };
}

export function rulesDoc(): string {
  return renderRulesDoc(readFileSync(RULES_TEMPLATE, 'utf8'), rulesDocInput());
}
