/** The face of the incident journal (docs/rules.md §9): the form, its formats, the annual extract and availability. */
export { COLUMN_KEYS, FORM, HEADERS, KAZAKH_LETTERS, KIND_IDS, KIND_WORDS, LANGS, LEVEL_IDS, LEVEL_WORDS } from './labels.ts';
export type { FailureKind, JournalLevel, Lang } from './labels.ts';
export {
  SOURCES,
  STATES,
  checkPeriod,
  entryState,
  extractInputSchema,
  filterEntries,
  journalEntrySchema,
  parseEntries,
  parseExtractInput,
  validBinIin,
} from './model.ts';
export type { AppealSource, ExtractInput, IncidentDetail, JournalEntry, JournalFilters, JournalState } from './model.ts';
export { CONTENT_TYPES, JOURNAL_FORMATS, journalFileName, parseFormat, parseLang, renderJournal } from './render.ts';
export type { JournalFormat, RenderJournalOptions, RenderedFile } from './render.ts';
export { EXTRACT_FORMATS, renderExtract, summarizeExtract } from './extract.ts';
export type { ExtractFormat, ExtractSummary } from './extract.ts';
export { EXTRACT_REMINDER_JOB, EXTRACT_REMINDER_SCHEDULE, extractReminder } from './reminder.ts';
export type { ExtractReminder } from './reminder.ts';
export {
  DEFAULT_OPERATOR,
  DEFAULT_OWNER,
  downtimeFigures,
  extensionRecords,
  journalEntryOf,
  loadExtractInput,
  loadJournalEntries,
  loadMaintenanceWindows,
  loadStoredIncidents,
  periodBounds,
  slaFigures,
  unionMs,
} from './journal.repo.ts';
export type { ExtractOptions, StoredIncident } from './journal.repo.ts';
export { availabilityLines, computeAvailability } from './availability.ts';
export { AVAILABILITY_CONTENT_TYPES, AVAILABILITY_FORMATS, availabilityBody } from './render-availability.ts';
export type { AvailabilityFormat } from './render-availability.ts';
export type { AvailabilityReport, CheckSeries, MaintenanceWindow } from './availability.ts';
export { loadSeries } from './availability.repo.ts';
export type { CheckMeta } from './availability.repo.ts';
export { journalExtension, startJournalPart } from './journal.routes.ts';
export { registerJournalCommands } from './journal.cli.ts';
/** pdfkit with the journal's Cyrillic font (DejaVu Sans), loaded on first use like the journal's own PDF renderer. */
export const loadPdfKit = () => import('./pdf-util.ts');
