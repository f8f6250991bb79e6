/**
 * The face of notices: versioned bilingual notices from handlebars templates, maintenance planning
 * with lead-time verdicts and EX-MAINT, the public status site, channels (Slack, e-mail, webhooks)
 * with idempotent delivery, and subscriptions.
 */
export { NoticeRuntime, SCHEDULE_QUEUE } from './runtime.ts';
export type { NoticeRuntimeOptions } from './runtime.ts';
export { NoticeService } from './notice.service.ts';
export type { ActorRef, NoticeVersion, NoticeView } from './notice.service.ts';
export { Deliveries, DELIVERY_QUEUE, fanOut, insertDeliveries } from './delivery.ts';
export type { ChannelConfig, DeliveryRow, DeliveryState } from './delivery.ts';
export { CHANNELS, SLACK_ACK_ACTION, messageIdOf, signBody } from './channels/index.ts';
export type { Channel, ChannelMessage, ChannelRegistry, DeliveryResult } from './channels/index.ts';
export { planMaintenance, maintenanceSubject, defaultAudiences } from './maintenance.ts';
export type { LeadTimeVerdict, MaintenancePlan } from './maintenance.ts';
export { LANGS, PHASES, noticeSubjectSchema, maintenanceInputSchema, parseSubject } from './model.ts';
export type { Lang, NoticeSubject, Phase } from './model.ts';
export { NoticeTemplates, TemplateError } from './templates.ts';
export { StatusSite, pickLang } from './site/status-site.ts';
export type { SiteEntry, Variant } from './site/status-site.ts';
export { STATUS_CSP, WIDGET_CSP } from './site/render.ts';
export { buildSnapshot } from './site/snapshot.ts';
export type { BoardDoc, Snapshot } from './site/snapshot.ts';
export { incidentDescription, PROBABLE_CAUSE_WORDS } from './incident-subject.ts';
export { noticeSubjectForIncident, registerNoticeMetrics, startIncidentNotices } from './incident-notices.ts';
export { evidenceLines, levelText } from './incident-alerts.ts';
export type { ServiceUptimeRow, SiteEtp } from './site/site.repo.ts';
