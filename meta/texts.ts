/**
 * The words of a `kuzet.silent` alert, in Kazakh and Russian like every notice. It goes to the
 * on-call chat only, and says plainly that it is kuzet's own fault, not the monitored system's.
 */
import { moduleNamesOf, systemOf, type KuzetConfig } from '../core/config.ts';
import { formatAstana } from '../core/time.ts';
import type { SilentGroup } from './silence.ts';

type Texts = Record<'kk' | 'ru', { title: string; text: string }>;
type Lang = 'kk' | 'ru';

/**
 * How a person reads a system's module in an alert: its configured names (`«Поиск объявлений»`),
 * else the system's name; undefined when the config no longer has the system.
 */
export type PlaceNames = (system: string, module: string) => Record<Lang, string> | undefined;

/** {@link PlaceNames} from the config: `systems.<id>.moduleNames`, else `systems.<id>.name`. */
export function placeNamesOf(cfg: Pick<KuzetConfig, 'systems'>): PlaceNames {
  return (system, module) => {
    const sys = systemOf(cfg, system);
    const m = moduleNamesOf(sys, module);
    if (m) return { kk: `«${m.kk}»`, ru: `«${m.ru}»` };
    return sys ? { kk: sys.name, ru: sys.name } : undefined;
  };
}

/** The human name first, the config ids after it in parentheses for the on-call engineer. */
function place(g: SilentGroupShape, lang: Lang, names: PlaceNames | undefined): string {
  const ids = `${g.system}/${g.module}`;
  const n = g.system && g.module ? names?.(g.system, g.module) : undefined;
  return n ? `${n[lang]} (${ids})` : ids;
}

/** What a silent group is about: a live `SilentGroup`, or the view of one stored with its episode. */
export interface SilentGroupShape {
  scope: string;
  region: string;
  system?: string | undefined;
  module?: string | undefined;
  workers: readonly { id: string }[];
  checks: readonly unknown[];
  reason?: string | undefined;
}

const what = (g: SilentGroupShape, names?: PlaceNames) =>
  g.scope === 'probe'
    ? probeWhat(g, names)
    : {
        ru:
          g.scope === 'region'
            ? `регион ${g.region}: ни один исполнитель проверок не отвечает`
            : g.scope === 'worker'
              ? `регион ${g.region}: исполнители проверок молчат (${g.workers.map((w) => w.id).join(', ')})`
              : `регион ${g.region}, ${place(g, 'ru', names)}: нет свежих результатов проверок (${g.checks.length})`,
        kk:
          g.scope === 'region'
            ? `${g.region} өңірі: тексеру орындаушыларының ешқайсысы жауап бермейді`
            : g.scope === 'worker'
              ? `${g.region} өңірі: тексеру орындаушылары үнсіз (${g.workers.map((w) => w.id).join(', ')})`
              : `${g.region} өңірі, ${place(g, 'kk', names)}: тексерулердің жаңа нәтижелері жоқ (${g.checks.length})`,
      };

const probeWhat = (g: SilentGroupShape, names: PlaceNames | undefined) => ({
  ru: `регион ${g.region}, ${place(g, 'ru', names)}: kuzet не может выполнить проверки (${g.checks.length}), их состояние неизвестно${g.reason ? `: ${g.reason}` : ''}`,
  kk: `${g.region} өңірі, ${place(g, 'kk', names)}: kuzet тексерулерді орындай алмайды (${g.checks.length}), күйі белгісіз${g.reason ? `: ${g.reason}` : ''}`,
});

/** The alert's name: `kuzet.silent` for silence, `kuzet.probe-error` for checks kuzet could not run. */
export const alertName = (scope: string) => (scope === 'probe' ? 'kuzet.probe-error' : 'kuzet.silent');

export const NOT_DOWNTIME = {
  ru: 'Это сбой самого kuzet, а не инцидент наблюдаемой системы; в время простоя не засчитывается.',
  kk: 'Бұл kuzet-тің өз ақауы, бақыланатын жүйенің инциденті емес; тоқтап тұру уақытына есептелмейді.',
};

export function silentTexts(g: SilentGroup, episodeId: string, names?: PlaceNames): Texts {
  const w = what(g, names);
  const since = formatAstana(new Date(g.lastHeard));
  if (g.scope === 'probe') {
    const name = alertName(g.scope);
    const list = g.checks
      .slice(0, 20)
      .map((c) => `• ${c.key}`)
      .join('\n');
    return {
      ru: { title: `${name}: ${w.ru}`, text: `С ${since}.\n${NOT_DOWNTIME.ru}\nЭпизод ${episodeId}.\n${list}` },
      kk: { title: `${name}: ${w.kk}`, text: `${since} бастап.\n${NOT_DOWNTIME.kk}\nЭпизод ${episodeId}.\n${list}` },
    };
  }
  const checks = g.checks
    .slice(0, 20)
    .map((c) => `• ${c.key}${c.lastResult ? ` (${formatAstana(new Date(c.lastResult))})` : ''}`)
    .join('\n');
  const more = g.checks.length > 20 ? `\n… +${g.checks.length - 20}` : '';
  const tail = checks ? `\n${checks}${more}` : '';
  return {
    ru: {
      title: `kuzet.silent: ${w.ru}`,
      text: `Последний сигнал: ${since}; порог ${g.thresholdMs / 1000} с.\n${NOT_DOWNTIME.ru}\nЭпизод ${episodeId}.${tail}`,
    },
    kk: {
      title: `kuzet.silent: ${w.kk}`,
      text: `Соңғы белгі: ${since}; шек ${g.thresholdMs / 1000} с.\n${NOT_DOWNTIME.kk}\nЭпизод ${episodeId}.${tail}`,
    },
  };
}

/** The alert's title without its `kuzet.silent: ` prefix, for the console's board. */
export function silentSubject(g: SilentGroupShape, names?: PlaceNames): Record<'kk' | 'ru', string> {
  return what(g, names);
}

/** What an ended episode was about, for its resolution: the region, and the module by its names. */
function episodePlace(g: SilentGroupShape, lang: Lang, names: PlaceNames | undefined): string {
  const region = lang === 'ru' ? `регион ${g.region}` : `${g.region} өңірі`;
  return g.system && g.module ? `${region}, ${place(g, lang, names)}` : region;
}

export function resolvedTexts(g: SilentGroupShape & { group: string }, episodeId: string, endedAt: Date, names?: PlaceNames): Texts {
  const at = formatAstana(endedAt);
  return {
    ru: {
      title: `kuzet.silent снят: ${episodePlace(g, 'ru', names)} (${g.group})`,
      text: `Сигналы снова поступают с ${at}. Эпизод ${episodeId}.`,
    },
    kk: {
      title: `kuzet.silent алынды: ${episodePlace(g, 'kk', names)} (${g.group})`,
      text: `Белгілер ${at} бастап қайта келеді. Эпизод ${episodeId}.`,
    },
  };
}
