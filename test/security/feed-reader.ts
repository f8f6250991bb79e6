/**
 * What a feed reader makes of an RSS 2.0 feed: the XML parsed by a real, strict XML parser (saxes),
 * each item's `<description>` XML-decoded, then read as HTML, as readers do. Used by the security
 * suite and the site's own tests to prove notice text never becomes a live tag.
 */
import { SaxesParser } from 'saxes';

export interface FeedItem {
  title: string;
  link: string;
  /** The description after XML decoding: the HTML a reader renders. */
  descriptionHtml: string;
}

/** Parses an RSS document; throws on anything that is not well-formed XML. */
export function readRss(xml: string): { channelLink: string; items: FeedItem[] } {
  const parser = new SaxesParser();
  const items: FeedItem[] = [];
  const path: string[] = [];
  let text = '';
  let item: Partial<FeedItem> | undefined;
  let channelLink = '';
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => {
    path.push(t.name);
    text = '';
    if (t.name === 'item') item = {};
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', (t) => {
    path.pop();
    if (item && t.name === 'title') item.title = text;
    if (item && t.name === 'link') item.link = text;
    if (item && t.name === 'description') item.descriptionHtml = text;
    if (!item && t.name === 'link' && path[path.length - 1] === 'channel') channelLink = text;
    if (t.name === 'item' && item) {
      items.push({ title: item.title ?? '', link: item.link ?? '', descriptionHtml: item.descriptionHtml ?? '' });
      item = undefined;
    }
  });
  parser.write(xml).close();
  return { channelLink, items };
}

/** Tags an HTML renderer would build from this markup (`<script`, `<img`, `</b`, `<!--`). */
export const liveTags = (html: string): string[] => html.match(/<[a-zA-Z!/?][^>]*>?/g) ?? [];

/** The text a reader shows for HTML without tags: its character references decoded. */
export const htmlText = (html: string) =>
  html.replace(
    /&(lt|gt|amp|quot|apos|#39);/g,
    (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'" })[e] as string,
  );
