/**
 * The ETP notices as their readers get them. The Kazakh ones put a noun between a date and the word
 * that needs its case ("… күні мен уақытына дейін", "шекке жеткен күн: …") and count days as
 * "қатарынан N күн", right for any N; kk-ru-parity.test.ts holds them to their Russian siblings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoticeTemplates } from '../../notices/index.ts';
import { ETP_TEMPLATES_DIR } from '../time-sync.ts';

const templates = new NoticeTemplates(ETP_TEMPLATES_DIR);
const data = {
  etp: 'etp-alpha',
  etpName: 'Альфа',
  date: '2026-03-08',
  streak: 8,
  daysLeft: 0,
  failureDays: '2026-03-01, 2026-03-02',
  reason: 'тапсырыстар сервисі 8 күн жұмыс істемеді',
  disconnectAt: '2026-03-12T09:00:00+05:00',
  thresholdReachedOn: '2026-03-08',
  decisionDueBy: '2026-03-16T23:59:59+05:00',
  rule: 'ETP-DISCONNECT-DECISION',
};
const kk = (name: string, extra: Record<string, unknown> = {}) =>
  templates.renderOne('etp-em', name, 'kk', { lang: 'kk', ...data, ...extra });

test('threshold: the decision deadline and the day the threshold was reached carry their case on a noun', () => {
  const r = kk('etp-threshold');
  assert.equal(
    r.title,
    'Альфа: іркілістер қатарынан 7 күннен астам жалғасты — ажырату туралы шешім қабылдау мерзімі: 2026-03-16T23:59:59+05:00',
  );
  assert.match(r.text, /шекке жеткен күн: 2026-03-08 \(шек: 7 күннен астам, 7-қосымшаның 47\.3-тармағы\)\./);
  assert.match(
    r.text,
    /5 жұмыс күні ішінде, 2026-03-16T23:59:59\+05:00 күні мен уақытына дейін қабылданады \(48-тармақ; ETP-DISCONNECT-DECISION ережесі\)/,
  );
});

test('streak warning: "қатарынан N күн" for every streak that warns', () => {
  for (const streak of [5, 6, 7]) {
    assert.equal(
      kk('etp-streak-warning', { streak, daysLeft: 8 - streak, rule: 'ETP-DISCONNECT-DAYS' }).title,
      `Альфа: тапсырыстарды орналастыру мен растаудағы іркілістер қатарынан ${streak} күн бойы жалғасуда`,
    );
  }
});

test('disconnection and keep: the moment is "… күні мен уақытынан бастап", the threshold day a labelled value', () => {
  const d = kk('etp-disconnected');
  assert.equal(d.title, '«Альфа» ЭСА 2026-03-12T09:00:00+05:00 күні мен уақытынан бастап электрондық дүкеннен ажыратылды');
  assert.match(d.text, /\(іркілістер қатарынан 7 күннен астам жалғасты, шекке жеткен күн: 2026-03-08; 7-қосымшаның 47\.3-тармағы\)\./);
  assert.match(kk('etp-kept').text, /іркілістерін қарады \(шекке жеткен күн: 2026-03-08\) және оны ажыратпау туралы шешім қабылдады\./);
  assert.doesNotMatch(kk('etp-kept', { thresholdReachedOn: '' }).text, /шекке/);
});
