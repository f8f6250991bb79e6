/**
 * The on-call page (issue #21 items 2–3): who is on call in every schedule now and next, the next
 * 14 days of shifts, each person's calendar feed (a signed link), and the mutes with the form to mute
 * and unmute (operator; the same service, checks and audit as the API). The board shows a muted check
 * through board-mutes.ts.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { resolveChecks } from '../core/config.ts';
import { NotFoundError } from '../core/errors.ts';
import { onCallView, peopleWithFeeds, shiftsBetween, shiftView, type Mute, type ShiftView } from '../oncall/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { astanaInput } from './forms.ts';
import { labels } from './render.ts';
import { html, need } from './pages.ts';
import { consoleState } from './security.ts';
import type { Labels } from './i18n.ts';

export type OncallPageDeps = Pick<ConsoleDeps, 'db' | 'config' | 'now' | 'publicUrl' | 'oncall'>;

function sourceText(L: Labels, v: ShiftView): string {
  const s = v.source;
  if (s.kind === 'layer') return `${L.shiftLayer} ${s.layer}`;
  if (s.kind === 'override') return `${L.shiftOverride}${s.reason ? `: ${s.reason}` : ''}`;
  return `${L.shiftHoliday} ${s.date}`;
}

const SCOPE_KEY = { check: 'scopeCheck', target: 'scopeTarget', module: 'scopeModule' } as const;
const STATE_KEY = { active: 'muteActive', expired: 'muteExpired', unmuted: 'muteUnmuted' } as const;

function muteRow(L: Labels, m: Mute) {
  return { ...m, scopeText: L[SCOPE_KEY[m.scope]], stateText: L[STATE_KEY[m.state]], active: m.state === 'active' };
}

/** What may be muted, for the form's suggestions: every check, target and module of the config. */
function subjects(s: OncallPageDeps): string[] {
  const out = new Set<string>();
  for (const c of resolveChecks(s.config()))
    out
      .add(c.key)
      .add(`${c.system}/${c.target}`)
      .add(`${c.system}/${c.module ?? c.target}`);
  return [...out].sort();
}

/** `GET /console/oncall`. */
const oncallPage = (s: OncallPageDeps) => async (ctx: Context) => {
  need(ctx, 'viewer');
  const st = consoleState(ctx);
  const L = labels(st.lang);
  const now = s.now().getTime();
  const oncall = s.config().oncall;
  const withText = (v: ShiftView | null) => (v ? { ...v, sourceText: sourceText(L, v) } : null);
  const view = onCallView(oncall, now);
  const schedules = view.schedules.map((x) => ({
    ...x,
    onCall: withText(x.onCall),
    next: withText(x.next),
    shifts: shiftsBetween(oncall, x.id, now, now + 14 * 86_400_000).map((sh) => withText(shiftView(sh))),
  }));
  const mutes = s.oncall ? await s.oncall.mutes.recent() : [];
  html(
    ctx,
    s,
    'oncall',
    {
      at: view.at,
      schedules,
      people: await peopleWithFeeds(s),
      mutes: mutes.map((m) => muteRow(L, m)),
      scopes: (['check', 'target', 'module'] as const).map((v) => ({ value: v, label: L[SCOPE_KEY[v]] })),
      subjects: subjects(s),
    },
    { title: L.oncall },
  );
};

/** `POST /console/mutes` (operator): mute a check, target or module. */
const muteAction = (s: OncallPageDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  if (!s.oncall) throw new NotFoundError('mutes are not available in this process');
  const f = consoleState(ctx).form;
  const scope = f.scope ?? '';
  const until = astanaInput(f.until, 'until');
  const input = {
    ...(['check', 'target', 'module'].includes(scope) ? { [scope]: (f.subject ?? '').trim() } : {}),
    reason: f.reason ?? '',
    // A chosen end wins over the default duration the form carries.
    ...(until ? { until } : f.for?.trim() ? { for: f.for.trim() } : {}),
  };
  await s.oncall.mutes.mute(input, actor);
  ctx.status = 303;
  ctx.redirect('/console/oncall#mutes');
};

/** `POST /console/mutes/:id/end` (operator): unmute now. */
const unmuteAction = (s: OncallPageDeps) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  if (!s.oncall) throw new NotFoundError('mutes are not available in this process');
  await s.oncall.mutes.unmute(String(ctx.params.id ?? ''), actor);
  ctx.status = 303;
  ctx.redirect('/console/oncall#mutes');
};

export function registerOncallPages(router: Router, s: OncallPageDeps): void {
  router.get('/console/oncall', oncallPage(s));
  router.post('/console/mutes', muteAction(s));
  router.post('/console/mutes/:id/end', unmuteAction(s));
}
