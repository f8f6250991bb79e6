/** The face of incidents/: the rules engine today; detection, lifecycle and the journal as they land. */
export * from './rules/index.ts';
export {
  DEFAULT_DETECTOR_CONFIG,
  ERROR_CAUSES,
  observe,
  observeAll,
  emptyDetectorState,
  moduleEvidence,
  probableCause,
} from './detection/detector.ts';
export type { DetectorConfig, DetectorInput, DetectorState, DetectionEvent } from './detection/detector.ts';
export { FAILURE_KINDS, FAILURE_KIND_IDS, INCIDENT_STATES, TRANSITIONS, TransitionError, transition } from './lifecycle/lifecycle.ts';
export type { IncidentState, TransitionFields } from './lifecycle/lifecycle.ts';
export { binIinCheckDigit, binIinProblem, isValidBinIin } from './appeals/bin-iin.ts';
export { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, sniffAttachmentType } from './appeals/attachment-type.ts';
export { appealInput } from './appeals/appeal.schema.ts';
export { proposeLevel } from './classification/propose-level.ts';
export type { LevelEvidence, LevelProposal } from './classification/propose-level.ts';
export { LEVEL_WORDS } from './classification/level-words.ts';
export { clockState, clocksFor, CLOCK_RULES } from './sla-clocks/sla-clocks.ts';
export { EVENT_TYPES, EVENTS_QUEUE, OutboxConsumer, emit, publishPending, readOutbox, startPublisher } from './events/outbox.ts';
export type { EventType, OutboxEvent } from './events/outbox.ts';
export { SlaMetrics, tickSla } from './events/sla-ticker.ts';
export { IncidentService, importProcurements, importTariffs, parseCsv, procurementsFromCsv } from './store/incident.service.ts';
export type { ActorRef } from './store/incident.service.ts';
export { consequencesOf, consequencesRecorded, namesAnnouncement, procurementChoices } from './store/incident-extensions.ts';
export type { ExtensionStage, StoredConsequence } from './store/incident-extensions.ts';
export { IncidentDetector } from './store/incident-detector.ts';
export type { DetectableResult } from './store/incident-detector.ts';
export {
  appealUploadState,
  clocksView,
  getAppealRow,
  getIncidentRow,
  incidentView,
  insertAppealAttachment,
  listAppealAttachments,
  listIncidentAppeals,
  listIncidentRows,
  listProcurementRows,
  record as recordTimeline,
  timelineView,
} from './store/incident.repo.ts';
export type { IncidentRow } from './store/incident.repo.ts';
export { ACK_VIA, acknowledgementOf } from './store/acknowledge.ts';
export type { AckActor, AckVia, AckView } from './store/acknowledge.ts';
export { topologyFromConfig } from './store/topology.ts';
export type { Topology } from './store/topology.ts';
export { startIncidentRuntime } from './events/runtime.ts';
export type { EventHandler, IncidentEvent, IncidentRuntime, IncidentRuntimeOptions } from './events/runtime.ts';
export { digestDue, produceDigest } from './events/digest.ts';
export { dateDay, dateTimeMs } from './rules/schemas.ts';
