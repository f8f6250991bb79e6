/** A muted check on the board (issue #21 item 3): its words, until when, and why — beside its status, never instead of it. */
import type { Mute } from '../oncall/index.ts';
import type { ConsoleDeps } from './deps.ts';
import { labels, type PageContext } from './render.ts';

/** The board's rows with the mute over each muted check: its words, until when, and why. */
export async function withMutes<R extends { key: string }, B extends { systems: { rows: R[] }[] }>(
  s: Pick<ConsoleDeps, 'oncall'>,
  lang: PageContext['lang'],
  board: B,
): Promise<B> {
  const mutes = s.oncall ? await s.oncall.mutes.byCheck() : new Map<string, Mute>();
  if (mutes.size === 0) return board;
  const L = labels(lang);
  return {
    ...board,
    systems: board.systems.map((sys) => ({
      ...sys,
      rows: sys.rows.map((r) => {
        const m = mutes.get(r.key);
        return m ? { ...r, muted: `${L.mutedUntil} ${m.endsAt.slice(0, 16).replace('T', ' ')}`, mutedReason: `${m.reason} (${m.by})` } : r;
      }),
    })),
  };
}
