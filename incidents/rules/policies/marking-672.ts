/**
 * marking-672 — goods marking and traceability information system, Government Decree No. 672 (2019),
 * `004_*.txt`. docs/rules.md §10: response-time and audit figures only; no levels, timers or
 * extensions.
 */
import type { Policy } from './types.ts';

export const MARKING_672 = {
  id: 'marking-672' as const,
  system: 'goods marking and traceability information system',
  source: '004',
  classification: [],
  slaTimers: [],
  clocks: [],
  leadTimes: [],
  figures: [
    { id: 'MK-PRODUCT-INFO', what: 'product information response time at most', value: 15, unit: 'seconds', source: '004 req. 21' },
    { id: 'MK-CODE-INFO', what: 'marking-code information response time at most', value: 5, unit: 'seconds', source: '004 criteria 22' },
    { id: 'MK-CONCURRENT-USERS', what: 'concurrent users at least', value: 1_000_000, unit: 'users', source: '004 criteria 17' },
  ],
} satisfies Policy;
