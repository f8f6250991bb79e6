/**
 * energy-366 — the electronic procurement platform of the national energy and utilities modernisation
 * project, Order No. 366 (2025), `003_*.txt`. REGULATIONS.md §3–§5.
 */
import { inWindow, nextWorkingDayAfterResolution, onDateTouchedBy } from '../window.ts';
import { EX_FORCE_MAJEURE } from './portal-692.ts';
import type { ClassificationRule, ExtensionRule, Policy, SlaTimer } from './types.ts';

/** The level is agreed with the authorised body (003 §24). */
export const CLASSIFICATION: readonly ClassificationRule[] = [
  { id: 'CL-E-HIGH', level: 'high', source: '003 §23.1', definition: 'software/server failure making the platform fully unavailable for all users during working hours' },
  { id: 'CL-E-MED', level: 'medium', source: '003 §23.2', definition: 'key functional sections broken for all users during working hours' },
  { id: 'CL-E-LOW', level: 'low', source: '003 §23.3', definition: 'does not affect core functions, OR happened outside working hours' },
];

export const SLA_TIMERS: readonly SlaTimer[] = [
  {
    id: 'SLA-N-REPORT', duty: 'user reports a failure to the platform administrator', startsAt: 'detection by the user',
    spec: { kind: 'end-of-nth-working-day', days: 3 }, informational: true,
    interpretation: '"not later than 3 working days from the date of detection": by 23:59:59 of the 3rd working day after the Astana date of detection; informational', source: '003 §25',
  },
];

export const EXTENSION_RULES: readonly ExtensionRule[] = [
  {
    id: 'EX-N-ACCEPT', source: '003 §29.3–29.4', occasions: ['low', 'medium', 'high'],
    summary: 'acceptance end on an Astana date touched by W, with S ≤ acceptanceEnd: NWD(R), same time; protocols auto-formed in W are annulled',
    deadlines: ['acceptanceEnd'],
    hits: (end, w) => onDateTouchedBy(end, w) && (end as number) >= w.start,
    extend: (end, w) => nextWorkingDayAfterResolution(w, end as number),
    flags: (w, p) => (inWindow(p.protocolFormedAt, w) ? ['protocolAnnulled'] : []),
  },
];

export const ENERGY_366: Policy = {
  id: 'energy-366',
  system: 'electronic procurement platform of the energy/utilities modernisation project',
  source: '003',
  classification: CLASSIFICATION,
  slaTimers: SLA_TIMERS,
  leadTimes: [],
  extension: {
    // 003 §29.3 extends procurements whose application the failure "affected": the operator marks
    // them (affected: true) unless the whole platform was down (high: every procurement).
    scope: { low: 'affected', medium: 'affected', high: 'module', maintenance: 'none' },
    rules: EXTENSION_RULES,
    tariffRules: [],
    noExtension: {},
    forceMajeure: EX_FORCE_MAJEURE,
  },
};
