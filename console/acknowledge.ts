/**
 * Acknowledging an incident's alert from the console (issue #21 item 1): the panel on the incident page
 * (who took it, when and through what, or the button) and its form's action. The same service call as
 * the API and the Slack button: audited, on the timeline, idempotent, no SLA clock touched. The panel's
 * data is acknowledge-panel.ts.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { ConsoleDeps } from './deps.ts';
import { consoleState } from './security.ts';
import { need } from './pages.ts';

/** `POST /console/incidents/:id/acknowledge` (operator): acknowledges, then back to the incident. */
const acknowledgeAction = (s: Pick<ConsoleDeps, 'incidents'>) => async (ctx: Context) => {
  const actor = need(ctx, 'operator');
  const id = ctx.params.id as string;
  const note = consoleState(ctx).form.note?.trim();
  await s.incidents.service.acknowledge(id, note ? { note } : {}, { ...actor, via: 'console' });
  ctx.status = 303;
  ctx.redirect(`/console/incidents/${encodeURIComponent(id)}?done=saved`);
};

export function registerAcknowledge(router: Router, s: Pick<ConsoleDeps, 'incidents'>): void {
  router.post('/console/incidents/:id/acknowledge', acknowledgeAction(s));
}
