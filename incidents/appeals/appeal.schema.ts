/**
 * The appeal form (issue item 2; journal columns 2–6 of docs/rules.md §9), validated with zod:
 * every problem named by its field.
 */
import { z } from 'zod';
import { NOT_DATE_TIME, tryParseDateTimeMs } from '../../core/time.ts';
import { POLICY_IDS } from '../rules/index.ts';
import { APPEAL_CHANNELS } from './appeal-channel.ts';
import { binIinProblem } from './bin-iin.ts';

const req = (what: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required' : `must be ${what}`);
const text = (max: number) =>
  z
    .string({ error: req('a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

export const appealInput = z.strictObject({
  organisation: text(500), // наименование обратившейся организации
  binIin: z.string({ error: req('a string of 12 digits') }).superRefine((v, ctx) => {
    const p = binIinProblem(v.trim());
    if (p) ctx.addIssue({ code: 'custom', message: p });
  }),
  email: z.email({ error: (iss) => (iss.input === undefined ? 'required' : 'must be an e-mail address') }).max(320),
  phone: z
    .string({ error: req('a phone number') })
    .refine(
      (v) => /^\+?[\d\s()-]{10,24}$/.test(v) && v.replace(/\D/g, '').length >= 10,
      'must be a phone number of at least 10 digits, e.g. +7 701 123 45 67',
    ),
  description: text(10_000),
  detectedAt: z
    .string({ error: req('an ISO 8601 date-time with offset') })
    .refine((v) => tryParseDateTimeMs(v) !== undefined, NOT_DATE_TIME),
  system: z.string().min(1).max(100).optional(),
  module: z.string().min(1).max(100).optional(),
  policy: z.enum(POLICY_IDS).optional(),
  /**
   * How the appeal arrived. `email` and `voice` start the energy desk's answer clock on an `energy-366`
   * system (SLA-N-DESK-MAIL, SLA-N-DESK-VOICE, from receipt). @default 'web'
   */
  channel: z.enum(APPEAL_CHANNELS, { error: `must be one of ${APPEAL_CHANNELS.join(', ')}` }).default('web'),
});
export type AppealInput = z.output<typeof appealInput>;
