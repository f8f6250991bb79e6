/** The e-shop's service list of 000 App.7 Appendix 1: 12 services the ETP receives, 5 it sends, each named in both languages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESHOP_SERVICE_IDS, ESHOP_SERVICES, isEshopServiceId } from './eshop-services.ts';

test('17 services: 12 the ETP receives from the e-shop (App.1 §1), 5 it sends (App.1 §2), numbered in order', () => {
  assert.equal(ESHOP_SERVICES.length, 17);
  const from = ESHOP_SERVICES.filter((s) => s.direction === 'from-eshop');
  const to = ESHOP_SERVICES.filter((s) => s.direction === 'to-eshop');
  assert.deepEqual(
    from.map((s) => s.ref),
    Array.from({ length: 12 }, (_, i) => `000 App.7 App.1 §1.${i + 1}`),
  );
  assert.deepEqual(
    to.map((s) => s.ref),
    Array.from({ length: 5 }, (_, i) => `000 App.7 App.1 §2.${i + 1}`),
  );
  // Grouped: every service the ETP receives comes before every one it sends.
  assert.deepEqual(
    ESHOP_SERVICES.map((s) => s.direction),
    [...from.map(() => 'from-eshop'), ...to.map(() => 'to-eshop')],
  );
});

test('ids are unique kebab-case; the ones the ETP sends carry -in, the others do not', () => {
  assert.equal(new Set(ESHOP_SERVICE_IDS).size, 17);
  for (const s of ESHOP_SERVICES) {
    assert.match(s.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, s.id);
    assert.equal(s.id.endsWith('-in'), s.direction === 'to-eshop', s.id);
  }
  assert.ok(isEshopServiceId('orders-in') && isEshopServiceId('participants'));
  assert.ok(!isEshopServiceId('eshop-productive') && !isEshopServiceId(undefined) && !isEshopServiceId('prices'));
});

test('every name and reference item is non-empty in Russian and Kazakh, and the two differ', () => {
  const cyrillic = /^[\p{Script=Cyrillic}\s,()«»\-–]+$/u;
  for (const s of ESHOP_SERVICES) {
    for (const pair of [s.name, ...('items' in s ? s.items : [])]) {
      assert.ok(pair.ru.trim().length > 0 && pair.kk.trim().length > 0, s.id);
      assert.notEqual(pair.kk, pair.ru, s.id);
      assert.match(pair.ru, cyrillic, `${s.id}: ${pair.ru}`);
      assert.match(pair.kk, cyrillic, `${s.id}: ${pair.kk}`);
    }
  }
  const ref = ESHOP_SERVICES.find((s) => s.id === 'reference-data');
  assert.equal(ref && 'items' in ref ? ref.items.length : 0, 6);
});

test('Kazakh names use the glossary terms where the Russian uses the regulation term', () => {
  const pairs: [RegExp, RegExp][] = [
    [/электронн(ый|ом) магазин/i, /электрондық дүкен/i],
    [/потенциальн\S+ поставщик/i, /әлеуетті өнім беруші/i],
    [/ценов\S+ предложени/i, /баға ұсыныс/i],
    [/уведомлени/i, /хабарлама/i],
    [/государственных закупк/i, /мемлекеттік сатып алу/i],
    [/протокол/i, /хаттама/i],
    [/заказ/i, /тапсырыс/i],
  ];
  for (const s of ESHOP_SERVICES) {
    for (const [ru, kk] of pairs) if (ru.test(s.name.ru)) assert.match(s.name.kk, kk, `${s.id}: ${ru.source}`);
  }
});
