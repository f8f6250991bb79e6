/**
 * Server-rendered console pages: handlebars with every value escaped (`{{…}}`; the only `{{{…}}}` is
 * the layout taking a page this module rendered). No inline script or style: the CSP allows only the
 * console's own static files.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { roleAtLeast, type Role } from '../core/auth.ts';
import { formatAstana } from '../core/time.ts';
import { LABELS, TERMS, type ConsoleLang, type Labels } from './i18n.ts';

const hb = Handlebars.create();
const load = (name: string) => readFileSync(new URL(`./views/${name}.hbs`, import.meta.url), 'utf8');
hb.registerPartial('incidentTable', load('incident-table'));
hb.registerPartial('acknowledge', load('acknowledge'));
hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);

export const PAGES = [
  'layout',
  'login',
  'error',
  'board',
  'incidents',
  'incident',
  'notices',
  'notice-edit',
  'maintenance',
  'etps',
  'journal',
  'deadlines',
  'users',
  'tokens',
  'audit',
  'oncall',
] as const;
export type PageName = (typeof PAGES)[number];
const compiled = Object.fromEntries(PAGES.map((p) => [p, hb.compile(load(p), { strict: false })])) as Record<
  PageName,
  Handlebars.TemplateDelegate
>;

/** `default-src 'none'`: scripts, styles and connections only from kuzet itself; no inline anything; not framable. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface Me {
  username: string;
  role: Role;
}

export interface PageContext {
  lang: ConsoleLang;
  me?: Me | undefined;
  csrf?: string | undefined;
  path: string;
  now: Date;
  flash?: string | undefined;
}

const NAV: { href: string; key: keyof Labels; role: Role }[] = [
  { href: '/console', key: 'board', role: 'viewer' },
  { href: '/console/incidents', key: 'incidents', role: 'viewer' },
  { href: '/console/notices', key: 'notices', role: 'viewer' },
  { href: '/console/maintenance', key: 'maintenance', role: 'viewer' },
  { href: '/console/etps', key: 'etps', role: 'viewer' },
  { href: '/console/journal', key: 'journal', role: 'viewer' },
  { href: '/console/oncall', key: 'oncall', role: 'viewer' },
  { href: '/console/deadlines', key: 'deadlines', role: 'viewer' },
  { href: '/console/users', key: 'users', role: 'admin' },
  { href: '/console/tokens', key: 'tokens', role: 'admin' },
  { href: '/console/audit', key: 'audit', role: 'admin' },
];

export const labels = (lang: ConsoleLang): Labels => LABELS[lang];
export const term = (lang: ConsoleLang, k: string | null | undefined): string => (k ? (TERMS[lang][k] ?? k) : '');

/** Renders `page` inside the layout. `live` marks pages whose `data-live` parts follow server events. */
export function renderPage(
  page: PageName,
  c: PageContext,
  data: Record<string, unknown>,
  opts: { title?: string; live?: boolean } = {},
): string {
  const L = labels(c.lang);
  const base = { L, lang: c.lang, csrf: c.csrf, me: c.me ? { ...c.me, roleName: term(c.lang, c.me.role) } : undefined };
  const content = compiled[page]({ ...base, ...data });
  const nav = c.me
    ? NAV.filter((n) => roleAtLeast((c.me as Me).role, n.role)).map((n) => ({
        href: n.href,
        label: L[n.key],
        current: n.href === '/console' ? c.path === '/console' : c.path.startsWith(n.href),
      }))
    : [];
  return compiled.layout({
    ...base,
    title: opts.title ?? L.console,
    content,
    nav,
    now: formatAstana(c.now),
    liveNote: opts.live === true,
    flash: c.flash,
  });
}
