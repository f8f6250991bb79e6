/**
 * The status site's outputs from one snapshot, pure: HTML per language (handlebars, every value
 * escaped, no inline script, styles allowed by hash under a strict CSP), the widget, JSON, RSS, Atom.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { ESHOP_ENVIRONMENTS } from '../../core/eshop-services.ts';
import { LANGS, type Lang } from '../model.ts';
import type { EshopCell, Snapshot } from './snapshot.ts';

const hb = Handlebars.create();
const page = hb.compile(readFileSync(new URL('./status.page.hbs', import.meta.url), 'utf8'));
const widgetPage = hb.compile(readFileSync(new URL('./widget.page.hbs', import.meta.url), 'utf8'));

export const CSS = [
  'body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}',
  'h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd}.muted{color:#666;font-size:.85rem}',
  '.notice{border-left:4px solid #999;padding:.2rem .8rem;margin:.6rem 0;background:#fafafa}.notice.active{border-color:#c62828}',
  '.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.4rem;background:#9e9e9e}',
  '.up{background:#2e7d32}.down{background:#c62828}.maintenance{background:#1565c0}.unknown{background:#9e9e9e}.dot.unmonitored{background:none;border:1px solid #9e9e9e;box-sizing:border-box}',
  '.eshop td{vertical-align:top}.eshop ul{margin:.2rem 0;padding-left:1.2rem;font-size:.85rem;color:#444}',
  'table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;text-align:left;padding:.2rem .4rem}',
  '.bars{display:flex;gap:1px}.bar{flex:1;height:1.6rem;background:#e0e0e0}.bar.good{background:#2e7d32}.bar.fair{background:#f9a825}.bar.poor{background:#c62828}',
  '.widget{margin:0;padding:.3rem;font-size:14px}.widget .notice{margin:.2rem 0}.late{color:#b71c1c}',
].join('\n');
const CSS_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

/** CSP of the status page: nothing but its own hashed style; no script at all; not framable. */
export const STATUS_CSP = `default-src 'none'; style-src ${CSS_HASH}; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
/** The widget page may be framed by the portal homepage (any origin), and runs no script either. */
export const WIDGET_CSP = `default-src 'none'; style-src ${CSS_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors *`;

/** Every word of the status site, per language; kk and ru carry the same keys (notices/site/labels.test.ts). */
export const LABELS: Record<Lang, Record<string, unknown>> = {
  kk: {
    title: 'Мемлекеттік сатып алу веб-порталының жұмыс күйі',
    updated: 'Күйі соңғы рет өзгерді',
    current: 'тексерулер кесте бойынша жүргізілуде; бет күйі өзгергенде ғана жаңарады',
    latePre: 'жаңа тексеру нәтижелері',
    latePost: 'бастап келмеді — соңғы белгілі күйі көрсетілген',
    stale: 'деректер базасы жауап бермейді: соңғы белгілі деректер көрсетілген',
    notices: 'Хабарламалар',
    noNotices: 'Белсенді хабарламалар жоқ',
    version: 'Нұсқа',
    history: 'Өзгерістер тарихы',
    maintenance: 'Техникалық және профилактикалық жұмыстар',
    noMaintenance: 'Жоспарланған жұмыстар жоқ',
    ongoing: 'жүргізілуде',
    unplanned: 'жоспардан тыс',
    components: 'Жүйелер мен модульдер',
    services: 'Электрондық дүкеннің тестілік және өнеркәсіптік сервистері',
    etps: 'Уәкілетті ЭСА (электрондық сауда алаңдары)',
    eshopIntro:
      'Электрондық дүкен мен ЭСА арасында ақпарат алмасуға арналған қолданыстағы сервистердің тізбесі және олардың қолжетімділік күйі (соңғы 90 күндегі қолжетімділік).',
    eshopDirection: { 'from-eshop': 'ЭСА электрондық дүкеннен алатын деректер', 'to-eshop': 'ЭСА электрондық дүкенге беретін деректер' },
    envColumn: { test: 'Тестілік орта', productive: 'Өнеркәсіптік орта' },
    notMonitored: 'бақыланбайды',
    number: '№',
    otherServices: 'ЭСА мен басқа жүйелердің сервистері',
    uptime: 'Соңғы 90 күндегі қолжетімділік',
    system: 'Жүйе',
    service: 'Сервис',
    environment: 'Орта',
    status: 'Күйі',
    availability: 'Қолжетімділік',
    health: { up: 'жұмыс істейді', down: 'техникалық іркіліс', unknown: 'деректер жоқ', maintenance: 'техникалық жұмыстар' },
    env: { test: 'тестілік', productive: 'өнеркәсіптік' },
    connection: { test: 'тестілік ортаға қосылған', productive: 'өнеркәсіптік ортаға қосылған', disconnected: 'ажыратылған' },
    sincePre: 'күні:',
    sincePost: '',
    subscribe: 'Хабарламаларға e-mail арқылы жазылу',
    subscribeButton: 'Жазылу',
    subscribeNote: 'Растау хаты жіберіледі; әр хатта жазылымнан бас тарту сілтемесі бар.',
    footer:
      'Бұл бет оператордың өз сайтында жарияланады және бақыланатын порталға тәуелді емес. Уақыт Астана қаласының уақыты бойынша көрсетілген.',
  },
  ru: {
    title: 'Состояние веб-портала государственных закупок',
    updated: 'Состояние последний раз изменилось',
    current: 'проверки идут по расписанию; страница меняется только при изменении состояния',
    latePre: 'нет новых результатов проверок с',
    latePost: '— показано последнее известное состояние',
    stale: 'база данных не отвечает: показаны последние известные данные',
    notices: 'Уведомления',
    noNotices: 'Активных уведомлений нет',
    version: 'Версия',
    history: 'История изменений',
    maintenance: 'Технические и профилактические работы',
    noMaintenance: 'Запланированных работ нет',
    ongoing: 'идут',
    unplanned: 'внеплановые',
    components: 'Системы и модули',
    services: 'Тестовые и продуктивные сервисы электронного магазина',
    etps: 'Авторизованные ЭТП',
    eshopIntro:
      'Перечень действующих сервисов для обмена информацией между электронным магазином и ЭТП и статус их доступности (доступность за 90 дней).',
    eshopDirection: {
      'from-eshop': 'Данные, которые ЭТП получает из электронного магазина',
      'to-eshop': 'Данные, которые ЭТП передает в электронный магазин',
    },
    envColumn: { test: 'Тестовая среда', productive: 'Продуктивная среда' },
    notMonitored: 'не отслеживается',
    number: '№',
    otherServices: 'Сервисы ЭТП и других систем',
    uptime: 'Доступность за 90 дней',
    system: 'Система',
    service: 'Сервис',
    environment: 'Среда',
    status: 'Состояние',
    availability: 'Доступность',
    health: { up: 'работает', down: 'технический сбой', unknown: 'нет данных', maintenance: 'технические работы' },
    env: { test: 'тестовый', productive: 'продуктивный' },
    connection: { test: 'подключена к тестовой среде', productive: 'подключена к продуктивной среде', disconnected: 'отключена' },
    sincePre: 'с',
    sincePost: '',
    subscribe: 'Подписка на уведомления по e-mail',
    subscribeButton: 'Подписаться',
    subscribeNote: 'Мы пришлём письмо для подтверждения; в каждом письме есть ссылка для отписки.',
    footer: 'Эта страница публикуется на собственном сайте оператора и не зависит от отслеживаемого портала. Время города Астаны.',
  },
};

function noticeView(s: Snapshot, lang: Lang, activeOnly: boolean) {
  return s.notices
    .filter((n) => !activeOnly || n.active)
    .map((n) => ({
      id: n.id,
      active: n.active,
      title: n.texts[lang].title,
      lines: n.texts[lang].text.split('\n').filter((l) => l.trim() !== ''),
      version: n.version,
      publishedAt: n.publishedAt,
      history: n.history.slice(1).map((h) => ({ version: h.version, publishedAt: h.publishedAt, title: h.title[lang] })),
    }));
}

/** The e-shop's service list in one language: a row per service, a cell per environment with its words already chosen. */
function eshopView(s: Snapshot, lang: Lang) {
  const t = LABELS[lang] as {
    health: Record<string, string>;
    notMonitored: string;
    eshopDirection: Record<string, string>;
    envColumn: Record<string, string>;
  };
  const cellView = (env: string, c: EshopCell) =>
    c.monitored
      ? {
          env,
          envLabel: t.envColumn[env],
          cls: c.status,
          label: t.health[c.status],
          availability: c.availability === null ? '—' : `${c.availability} %`,
        }
      : { env, envLabel: t.envColumn[env], cls: 'unmonitored', label: t.notMonitored, availability: '' };
  return s.eshop.map((g) => ({
    direction: g.direction,
    title: t.eshopDirection[g.direction],
    services: g.services.map((x, i) => ({
      id: x.id,
      ref: x.ref,
      no: i + 1,
      name: x.name[lang],
      items: x.items.map((it) => it[lang]),
      cells: ESHOP_ENVIRONMENTS.map((env) => cellView(env, x[env])),
    })),
  }));
}

/** Every system named in `lang` (config `names`), its modules by their configured names (#17 item 14, #21 item 9). */
function localNames(s: Snapshot, lang: Lang) {
  const names = new Map(s.systems.map((sys) => [sys.id, sys.names[lang]]));
  const nameOf = (id: string, fallback: string) => names.get(id) ?? fallback;
  // Modules by their configured names in this language, never by config ids; the id only where a config names none.
  const systems = s.systems.map((sys) => ({
    ...sys,
    label: sys.names[lang],
    modules: sys.modules.map((m) => ({ ...m, label: m.name?.[lang] ?? m.id })),
  }));
  return {
    systems,
    maintenance: s.maintenance.map((m) => ({ ...m, systemName: nameOf(m.system, m.systemName) })),
    services: s.services.map((x) => ({ ...x, systemName: nameOf(x.system, x.systemName) })),
    etps: s.etps.map((e) => ({ ...e, name: e.names[lang] })),
    nameOf,
  };
}

export function renderHtml(s: Snapshot, lang: Lang): string {
  const t = LABELS[lang];
  const { nameOf, ...named } = localNames(s, lang);
  const uptime = s.uptime.map((u) => ({
    ...u,
    name: nameOf(u.system, u.name),
    days: u.days.map((d) => ({
      date: d.date,
      cls: d.ratio === null ? '' : d.ratio >= 99.9 ? 'good' : d.ratio >= 95 ? 'fair' : 'poor',
      label: d.ratio === null ? '—' : `${d.ratio} %`,
    })),
  }));
  return page({ lang, t, css: CSS, s: { ...s, ...named, uptime }, eshop: eshopView(s, lang), notices: noticeView(s, lang, false) });
}

export function renderWidget(s: Snapshot, lang: Lang, statusUrl: string): string {
  return widgetPage({ lang, t: LABELS[lang], css: CSS, notices: noticeView(s, lang, true), statusUrl });
}

/** The embeddable script: it only adds an iframe of the widget page, so no notice text ever runs in the portal's page. */
export function renderWidgetScript(): string {
  return `(function(){var s=document.currentScript;if(!s)return;var u=new URL(s.src);var l=s.getAttribute('data-lang')==='ru'?'ru':'kk';var f=document.createElement('iframe');f.src=u.origin+u.pathname.replace(/widget\\.js$/,'widget')+'?lang='+l;f.title='kuzet status';f.setAttribute('sandbox','allow-popups allow-popups-to-escape-sandbox');f.style.border='0';f.style.width='100%';f.style.height=s.getAttribute('data-height')||'120px';s.parentNode.insertBefore(f,s.nextSibling);})();\n`;
}

export function renderJson(s: Snapshot): string {
  return JSON.stringify(s);
}

const xml = (v: string) =>
  v.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
const rfc822 = (iso: string) => new Date(iso).toUTCString();
/**
 * RSS 2.0 readers take `<description>` as HTML once the XML is decoded, so notice text is escaped as
 * HTML first and then as XML: `<script>` in a notice reaches the reader as text, never as a tag.
 */
export const rssDescription = (text: string) => xml(xml(text));

export function renderRss(s: Snapshot, lang: Lang, base: string): string {
  const t = LABELS[lang];
  const items = s.notices
    .map(
      (n) =>
        `<item><title>${xml(n.texts[lang].title)}</title><link>${xml(`${base}/status?lang=${lang}#${n.id}`)}</link><guid isPermaLink="false">${xml(`${n.id}/v${n.version}`)}</guid><pubDate>${rfc822(n.publishedAt)}</pubDate><description>${rssDescription(n.texts[lang].text)}</description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${xml(t.title as string)}</title><link>${xml(`${base}/status?lang=${lang}`)}</link><description>${xml(t.notices as string)}</description><language>${lang}</language><lastBuildDate>${rfc822(s.generatedAt)}</lastBuildDate>${items}</channel></rss>\n`;
}

export function renderAtom(s: Snapshot, lang: Lang, base: string): string {
  const t = LABELS[lang];
  const entries = s.notices
    .map(
      (n) =>
        `<entry><id>${xml(`urn:kuzet:notice:${n.id}:${n.version}`)}</id><title>${xml(n.texts[lang].title)}</title><updated>${new Date(n.publishedAt).toISOString()}</updated><link href="${xml(`${base}/status?lang=${lang}`)}"/><content type="text">${xml(n.texts[lang].text)}</content></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}"><id>urn:kuzet:status:${lang}</id><title>${xml(t.title as string)}</title><updated>${new Date(s.generatedAt).toISOString()}</updated><link rel="self" href="${xml(`${base}/status.atom?lang=${lang}`)}"/><author><name>kuzet</name></author>${entries}</feed>\n`;
}

export const SITE_LANGS = LANGS;
