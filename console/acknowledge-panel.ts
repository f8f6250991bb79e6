/** The incident page's acknowledgement panel (views/acknowledge.hbs): who took the alert, or the button. */
import { acknowledgementOf } from '../incidents/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { term } from './render.ts';

/** What the `acknowledge` partial of the incident page shows. */
export async function ackPanel(s: Pick<ConsoleDeps, 'db'>, id: string, lang: 'kk' | 'ru', active: boolean) {
  const ack = await acknowledgementOf(s.db(), id);
  if (!ack) return { ack: null, open: active };
  const by = ack.byName ? `${ack.byName} (${ack.by})` : ack.by;
  return { ack: { ...ack, byText: by, viaName: term(lang, `via-${ack.via}`) }, open: false };
}
