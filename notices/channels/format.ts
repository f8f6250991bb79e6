/** Plain text and escaped HTML of a bilingual notice (Kazakh first, the state language). */
import { LANGS, type RenderedNotice } from '../langs.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const bilingualTitle = (t: RenderedNotice) => `${t.kk.title} / ${t.ru.title}`;

export function bilingualText(t: RenderedNotice, footer = ''): string {
  return LANGS.map((l) => `${t[l].title}\n\n${t[l].text}`).join('\n\n———\n\n') + (footer ? `\n\n${footer}` : '');
}

export function bilingualHtml(t: RenderedNotice, footerHtml = ''): string {
  const part = (l: (typeof LANGS)[number]) =>
    `<section lang="${l}"><h2>${escapeHtml(t[l].title)}</h2>${t[l].text
      .split('\n')
      .map((line) => `<p>${escapeHtml(line)}</p>`)
      .join('')}</section>`;
  return `<!doctype html><html><body>${LANGS.map(part).join('<hr>')}${footerHtml}</body></html>`;
}
