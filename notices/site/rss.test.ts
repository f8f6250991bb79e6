/** The RSS feed as a reader sees it: parsed by a real XML parser, the description read as HTML (issue #16 item 8). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { htmlText, liveTags, readRss } from '../../test/security/feed-reader.ts';
import { renderRss } from './render.ts';
import { buildSnapshot, type BoardDoc } from './snapshot.ts';

const board: BoardDoc = { systems: [] };
const now = new Date('2026-03-28T10:00:00+05:00');

const feed = (text: string, title = 'Сбой') =>
  renderRss(
    buildSnapshot({
      board,
      notices: [
        {
          id: 'n1',
          active: true,
          kind: 'incident',
          system: 'portal',
          phase: 'opened',
          level: 'high',
          version: 1,
          publishedAt: '2026-03-28T10:00:00+05:00',
          texts: { kk: { title, text }, ru: { title, text } },
          history: [],
        },
      ],
      maintenance: [],
      uptime: [],
      now,
      stale: false,
      generatedAt: '2026-03-28T10:00:00+05:00',
    }),
    'ru',
    'https://status.operator.kz',
  );

test('a notice with HTML in it reaches a feed reader as text, not as tags', () => {
  const text = 'Сбой <script>alert(1)</script> <img src=x onerror=alert(2)> & «кавычки» "q" \'a\' &amp;';
  const rss = readRss(feed(text));
  const [item] = rss.items;
  assert.ok(item);
  assert.deepEqual(liveTags(item.descriptionHtml), []);
  assert.equal(htmlText(item.descriptionHtml), text, 'the reader shows exactly the notice text');
  assert.equal(item.link, 'https://status.operator.kz/status?lang=ru#n1');
});

test('any notice text: well-formed XML, no live tag after decoding (property)', () => {
  const hostile = fc.string({
    unit: fc.constantFrom('<', '>', '&', '"', "'", ';', '#', 'a', 'l', 't', 'g', 'ы', ' ', '\n', '/', '!', '-', 'b'),
  });
  fc.assert(
    fc.property(hostile, (text) => {
      const [item] = readRss(feed(text)).items;
      assert.ok(item);
      assert.deepEqual(liveTags(item.descriptionHtml), []);
      assert.equal(htmlText(item.descriptionHtml), text);
    }),
    { numRuns: 300 },
  );
});
