/**
 * What an on-call alert says about the failure (issue #21 item 4), and its follow-ups in the thread:
 *
 * - the evidence: each failing check with its regions and its last failure as the probe worded it
 *   (`expected status 200, got 500`, `step "search announcements": …` for a journey);
 * - the failed journey's screenshot as a signed share link, valid for a day: the on-call channels are
 *   the operator's own people, who may see runs; the public notices never carry it;
 * - the proposed level with its rule and reasons, and the console link;
 * - when the proposed level changes (medium → high once the journey fails too), a reply in the thread;
 * - when the alert is acknowledged, a reply in the thread, and the alert itself loses its button.
 *
 * Pure except {@link alertEvidence}, which asks the injected `screenshots` for the share links.
 */
import type { IncidentRow } from '../incidents/index.ts';
import { LEVEL_TEXT } from './content.ts';
import type { MessageAction } from './channels/index.ts';
import type { Lang, RenderedNotice } from './langs.ts';

/** A failing check as the alert lists it. */
export interface EvidenceLine {
  check: string;
  regions: string;
  message: string;
}

/** A screenshot of a failed run, shared by a signed link. */
export interface ScreenshotLink {
  check: string;
  /** Absolute, signed, expiring. */
  url: string;
  hours: number;
}

/**
 * Share links of the screenshots the evidence names (app/start.ts wires api/'s signed run links in):
 * each `url` a path signed for `hours`, to be put after kuzet's public URL.
 */
export type ScreenshotLinks = (evidence: Record<string, unknown>) => Promise<{ check: string; url: string; hours: number }[]>;

/** The label of the alert's button, in both languages (Slack shows one label). */
export const ACK_LABEL = 'Қабылдадым / Принято';

/** The alert's button: acknowledge this incident. */
export const ackAction = (incidentId: string): MessageAction[] => [{ id: 'acknowledge', value: incidentId, label: ACK_LABEL }];

const MAX_LINES = 8;
const MAX_MESSAGE = 300;

/** The failing checks of the evidence, each with its regions and last failure message (at most {@link MAX_LINES}). */
export function evidenceLines(evidence: unknown): EvidenceLine[] {
  const details = (evidence as { details?: unknown } | null)?.details;
  if (!Array.isArray(details)) return [];
  const out: EvidenceLine[] = [];
  for (const d of details as { key?: unknown; regions?: unknown; lastMessage?: unknown }[]) {
    if (typeof d?.key !== 'string') continue;
    const regions = Array.isArray(d.regions) ? d.regions.filter((r): r is string => typeof r === 'string').join(', ') : '';
    const message = typeof d.lastMessage === 'string' ? d.lastMessage.slice(0, MAX_MESSAGE) : '';
    out.push({ check: d.key, regions, message });
  }
  return out.slice(0, MAX_LINES);
}

/** The alert's facts besides the incident's own: evidence lines, screenshot links (with a public URL only), the proposal. */
export async function alertEvidence(
  r: Pick<IncidentRow, 'evidence' | 'proposal'>,
  publicUrl: string,
  screenshots: ScreenshotLinks | undefined,
): Promise<{ evidence: EvidenceLine[]; screenshots: ScreenshotLink[]; proposalRule: string | null; proposalReasons: string[] }> {
  const links = publicUrl && screenshots ? await screenshots(r.evidence ?? {}).catch(() => []) : [];
  return {
    evidence: evidenceLines(r.evidence),
    screenshots: links.slice(0, 3).map((l) => ({ check: l.check, url: `${publicUrl}${l.url}`, hours: l.hours })),
    proposalRule: r.proposal?.rule ?? null,
    proposalReasons: r.proposal?.reasons ?? [],
  };
}

/** The level in words, or a dash. */
export const levelText = (lang: Lang, level: string | null | undefined): string =>
  level && Object.hasOwn(LEVEL_TEXT[lang], level) ? LEVEL_TEXT[lang][level as keyof (typeof LEVEL_TEXT)[Lang]] : '—';

const VIA_TEXT: Record<Lang, Record<string, string>> = {
  ru: { slack: 'кнопка в Slack', console: 'консоль', api: 'API' },
  kk: { slack: 'Slack-тегі батырма', console: 'консоль', api: 'API' },
};
export const viaText = (lang: Lang, via: string): string => VIA_TEXT[lang][via] ?? via;

/** The alert as it reads once acknowledged: its own texts with the acknowledgement's first line added, no button. */
export function acknowledgedAlert(alert: RenderedNotice, ack: RenderedNotice): RenderedNotice {
  const add = (l: Lang) => ({ title: alert[l].title, text: `${alert[l].text.trimEnd()}\n\n✅ ${ack[l].text.split('\n')[0] ?? ''}` });
  return { kk: add('kk'), ru: add('ru') };
}
