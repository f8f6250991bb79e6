/**
 * The notice languages, Kazakh first (the state language), and a notice rendered in both. A leaf
 * module: the channels (and through their registry, the config) use it without the rest of notices.
 */
export const LANGS = ['kk', 'ru'] as const;
export type Lang = (typeof LANGS)[number];

export interface RenderedText {
  title: string;
  text: string;
}
export type RenderedNotice = Record<Lang, RenderedText>;
