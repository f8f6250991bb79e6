/** Journal entries shared by the tests and the benchmark: a user appeal, a monitoring incident, a refuted appeal. */
import type { JournalEntry } from './model.ts';

const at = (s: string) => new Date(s);

/** Text that would break HTML, CSV, XML and a spreadsheet if it were not escaped or cleaned. */
export const HOSTILE = '<script>alert(1)</script> </td></tr><b>x</b> "q", a;b\n=HYPERLINK("http://x") & ]]> \u0001';

export const ENTRIES: readonly JournalEntry[] = [
  {
    number: 'APP-2026-0001',
    source: 'user',
    organisation: 'ТОО «Қазақ Құрылыс» әғқңөұүһі',
    binIin: '990340000004',
    appealedAt: at('2026-03-10T09:15:00+05:00'),
    contacts: '+7 701 000 00 00, info@example.kz',
    description: HOSTILE,
    acceptedBy: 'Серікова Ә. Н.',
    confirmed: true,
    confirmedAt: at('2026-03-10T09:40:00+05:00'),
    decision: 'Подтвердить сбой, продлить сроки',
    measures: 'Перезапуск узла приема заявок',
    resolvedAt: at('2026-03-10T11:05:30+05:00'),
    causes: 'Отказ сервера приложений',
    level: 'medium',
    kind: 'third-party-conditions',
    recommendations: 'Резервирование узла',
    system: 'portal',
    module: 'lots',
  },
  {
    number: 'INC-2026-0002',
    source: 'monitoring',
    organisation: 'АО «Центр электронных финансов»',
    binIin: null,
    appealedAt: at('2026-04-02T23:50:00+05:00'),
    contacts: 'kuzet',
    description: 'Модуль поиска недоступен для всех проб и регионов',
    acceptedBy: 'kuzet',
    confirmed: true,
    confirmedAt: at('2026-04-03T00:05:00+05:00'),
    decision: 'Высокий уровень',
    measures: 'Переключение на резервный кластер',
    resolvedAt: at('2026-04-03T02:00:00+05:00'),
    causes: 'Компьютерная атака (DDoS)',
    level: 'high',
    kind: 'computer-attack',
    recommendations: 'Фильтрация трафика',
    system: 'portal',
    module: 'search',
  },
  {
    number: 'APP-2026-0003',
    source: 'user',
    organisation: 'ИП Иванов',
    binIin: '880101300010',
    appealedAt: at('2026-05-20T14:00:00+05:00'),
    contacts: '8 777 111 22 33',
    description: 'Не подписывается договор',
    acceptedBy: 'Петров П. П.',
    confirmed: false,
    confirmedAt: at('2026-05-20T15:00:00+05:00'),
    decision: 'Сбой не подтвержден: истек ключ ЭЦП пользователя',
    measures: 'Консультация',
    resolvedAt: null,
    causes: 'Ключ ЭЦП пользователя',
    level: 'low',
    kind: 'eds-key-misuse',
    recommendations: 'Своевременно обновлять ключ ЭЦП',
    system: 'etp-1',
    module: null,
  },
];

/** `n` entries cycling through {@link ENTRIES}, one per 20 minutes from 2026-01-05. */
export function manyEntries(n: number): JournalEntry[] {
  const start = Date.parse('2026-01-05T09:00:00+05:00');
  return Array.from({ length: n }, (_, i) => {
    const base = ENTRIES[i % ENTRIES.length] as JournalEntry;
    const t = start + i * 20 * 60_000;
    return {
      ...base,
      number: `APP-2026-${String(i + 1).padStart(5, '0')}`,
      appealedAt: new Date(t),
      confirmedAt: base.confirmedAt ? new Date(t + 25 * 60_000) : null,
      resolvedAt: base.resolvedAt ? new Date(t + 110 * 60_000) : null,
    };
  });
}
