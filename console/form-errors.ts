/**
 * A refused form shown again in the page's language (issue #21 item 5): the services name the field
 * and say what is wrong in English (the API's words); the console says it in Kazakh or Russian
 * beside the field, keeping what the user typed. A message no pattern knows reads as "value not
 * accepted" in the page's language; the API's words stay in the server log and the API answer.
 */
import { InputError, KuzetError } from '../core/errors.ts';
import type { Labels } from './i18n.ts';

const MESSAGES: readonly [RegExp, keyof Labels][] = [
  [/^required when the level/, 'errLevelReason'],
  [/^required|^must not be empty|^must be the text in Kazakh and Russian/, 'errRequired'],
  [/^is before the failure start/, 'errBeforeStart'],
  [/^is in the future/, 'errFuture'],
  [/^not a date and time|ISO 8601/, 'errDateTime'],
  [/^must be one of/, 'errOneOf'],
  [/^too big|at most|Too big/i, 'errTooLong'],
];

/** An API field path as the form's field names: `cause.kk` → `causeKk`, `cause` → both of its language fields. */
const BILINGUAL = new Set(['cause', 'measures']);
function formFields(field: string): string[] {
  const [head, lang] = field.split('.');
  if (head && BILINGUAL.has(head)) return lang === 'kk' ? [`${head}Kk`] : lang === 'ru' ? [`${head}Ru`] : [`${head}Kk`, `${head}Ru`];
  return [field];
}

export interface FormProblem {
  /** The form field the problem is about ('' for the form as a whole). */
  field: string;
  message: string;
}

/** The problems of a refused form in the page's language, or undefined when the error is not about the input. */
export function formProblems(L: Labels, e: unknown): FormProblem[] | undefined {
  if (e instanceof InputError) {
    return e.issues.flatMap((i) => {
      const key = MESSAGES.find(([re]) => re.test(i.message))?.[1] ?? 'errInvalid';
      return formFields(i.field).map((field) => ({ field, message: L[key] }));
    });
  }
  if (e instanceof KuzetError && e.status === 409) return [{ field: '', message: e.field === 'to' ? L.errNotAllowed : L.errConflict }];
  return undefined;
}
