/**
 * Migrations 105–109: the operator's public words in both languages (issue #21 item 6). The cause and
 * measures of a resolved incident go to the public notice, the owner's e-mail and the journal in
 * Kazakh and Russian. `cause`/`measures` keep the Russian text; the Kazakh text is beside it. A row
 * from before 105 has `cause_kk` NULL: its one text (language as entered) is shown in both
 * languages, so nothing stored is lost or hidden. Never edit a released one: add a new one.
 */
import type { Migration } from '../migration.ts';

export const BILINGUAL_TEXT_MIGRATIONS: readonly Migration[] = [
  {
    version: 105,
    name: 'incidents: the cause and measures in Kazakh beside the Russian text',
    statements: ['ALTER TABLE incidents ADD COLUMN cause_kk text', 'ALTER TABLE incidents ADD COLUMN measures_kk text'],
  },
];
