/**
 * Deterministic fake data of the simulated portal and ETPs. Nothing here reads the clock or
 * randomness, so every page is the same on every run (browser journeys and snapshots rely on it).
 */

export interface Lot {
  number: string;
  name: string;
  quantity: number;
  unit: string;
  amountKzt: number;
}

export interface Announcement {
  id: string;
  /** Announcement number as the portal shows it, e.g. `15234560-1`. */
  number: string;
  name: string;
  method: string;
  status: string;
  customer: string;
  acceptanceStart: string; // срок начала приема заявок
  acceptanceEnd: string; // срок окончания приема заявок
  lots: Lot[];
}

const METHODS = [
  { name: 'Запрос ценовых предложений', code: 'ЗЦП' },
  { name: 'Открытый конкурс', code: 'ОК' },
  { name: 'Аукцион', code: 'АУК' },
  { name: 'Из одного источника', code: 'ИОИ' },
] as const;

const STATUSES = ['Опубликовано (прием заявок)', 'Опубликовано', 'Изменена документация', 'Завершено'] as const;

const CUSTOMERS = [
  'ГУ «Аппарат акима города Астаны»',
  'КГУ «Школа-гимназия №12» акимата г. Алматы',
  'РГП на ПХВ «Казгидромет»',
  'ГКП «Городская поликлиника №3» г. Шымкент',
  'ГУ «Отдел образования Карагандинской области»',
] as const;

const SUBJECTS = [
  { name: 'Поставка бумаги офисной формата А4', unit: 'пачка' },
  { name: 'Услуги по уборке помещений', unit: 'услуга' },
  { name: 'Поставка компьютерной техники', unit: 'штука' },
  { name: 'Ремонт кровли административного здания', unit: 'работа' },
  { name: 'Поставка канцелярских товаров', unit: 'набор' },
  { name: 'Услуги связи и доступа к интернету', unit: 'месяц' },
  { name: 'Поставка медицинских изделий', unit: 'упаковка' },
  { name: 'Поставка продуктов питания для столовой', unit: 'килограмм' },
  { name: 'Техническое обслуживание автотранспорта', unit: 'услуга' },
  { name: 'Поставка мебели для учебных классов', unit: 'комплект' },
] as const;

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

/** ISO 8601 with seconds in Astana time (UTC+05:00, no DST), e.g. `2026-03-26T09:30:00+05:00`. */
export function astanaIso(at: Date): string {
  return `${new Date(at.getTime() + 5 * 3_600_000).toISOString().slice(0, 19)}+05:00`;
}

/** A fixed date of March–April 2026 at `hour` Astana time. */
function astanaDate(dayOffset: number, hour: number): string {
  return astanaIso(new Date(Date.UTC(2026, 2, 2 + dayOffset, hour - 5, 0, 0)));
}

function buildAnnouncements(): Announcement[] {
  const out: Announcement[] = [];
  for (let i = 0; i < 20; i++) {
    const id = String(15234560 + i * 137);
    const subject = pick(SUBJECTS, i);
    const method = pick(METHODS, i);
    const lotCount = (i % 3) + 1;
    const lots: Lot[] = [];
    for (let n = 1; n <= lotCount; n++) {
      lots.push({
        number: `${id}-${method.code}${n}`,
        name: lotCount === 1 ? subject.name : `${subject.name}, лот ${n}`,
        quantity: 10 * (n + i),
        unit: subject.unit,
        amountKzt: 150_000 * (i + 1) + 25_000 * n,
      });
    }
    out.push({
      id,
      number: `${id}-1`,
      name: subject.name,
      method: method.name,
      status: pick(STATUSES, i),
      customer: pick(CUSTOMERS, i),
      acceptanceStart: astanaDate(i, 9),
      acceptanceEnd: astanaDate(i + 10, 18),
      lots,
    });
  }
  return out;
}

export const ANNOUNCEMENTS: readonly Announcement[] = buildAnnouncements();

/** Case-insensitive substring match over number, name, method, status and customer; an empty query matches all. */
export function searchAnnouncements(q: string): Announcement[] {
  const needle = q.trim().toLocaleLowerCase('ru');
  if (needle === '') return [...ANNOUNCEMENTS];
  return ANNOUNCEMENTS.filter((a) =>
    [a.number, a.name, a.method, a.status, a.customer].some((f) => f.toLocaleLowerCase('ru').includes(needle)),
  );
}

export function findAnnouncement(id: string): Announcement | undefined {
  return ANNOUNCEMENTS.find((a) => a.id === id);
}

export interface Product {
  sku: string;
  name: string;
  unit: string;
  /** ЕНСТРУ code of the e-catalogue item the product is bound to. */
  enstru: string;
  basePriceKzt: number;
}

export const PRODUCTS: readonly Product[] = [
  { sku: 'P-1001', name: 'Бумага офисная А4, 80 г/м², 500 листов', unit: 'пачка', enstru: '171812.000.000001', basePriceKzt: 2_450 },
  { sku: 'P-1002', name: 'Ручка шариковая синяя', unit: 'штука', enstru: '329912.100.000000', basePriceKzt: 120 },
  { sku: 'P-1003', name: 'Ноутбук 15,6", 16 ГБ ОЗУ, SSD 512 ГБ', unit: 'штука', enstru: '262011.100.000003', basePriceKzt: 389_000 },
  { sku: 'P-1004', name: 'Монитор 24", IPS', unit: 'штука', enstru: '262017.000.000001', basePriceKzt: 74_500 },
  { sku: 'P-1005', name: 'Картридж лазерный черный', unit: 'штука', enstru: '282325.500.000002', basePriceKzt: 18_900 },
  { sku: 'P-1006', name: 'Стул офисный', unit: 'штука', enstru: '310111.500.000000', basePriceKzt: 21_300 },
  { sku: 'P-1007', name: 'Перчатки медицинские нитриловые', unit: 'упаковка', enstru: '222919.500.000003', basePriceKzt: 3_650 },
  { sku: 'P-1008', name: 'Вода питьевая 19 л', unit: 'бутыль', enstru: '110710.300.000000', basePriceKzt: 1_500 },
];

export interface EtpInfo {
  id: string;
  /** Display name (Kazakh-flavoured). */
  name: string;
  orderPrefix: string;
  /** Per-mille factor applied to base prices, so the two ETPs quote different prices. */
  priceFactor: number;
}

export const ETPS: readonly EtpInfo[] = [
  { id: 'etp-alpha', name: 'Алтын Сауда', orderPrefix: 'AS', priceFactor: 1000 },
  { id: 'etp-beta', name: 'Бәйтерек Маркет', orderPrefix: 'BM', priceFactor: 1040 },
];

export function etpPrice(etp: EtpInfo, product: Product): number {
  return Math.round((product.basePriceKzt * etp.priceFactor) / 1000);
}

export function searchProducts(q: string): Product[] {
  const needle = q.trim().toLocaleLowerCase('ru');
  if (needle === '') return [...PRODUCTS];
  return PRODUCTS.filter((p) => [p.sku, p.name, p.enstru].some((f) => f.toLocaleLowerCase('ru').includes(needle)));
}

export function findProduct(sku: string): Product | undefined {
  return PRODUCTS.find((p) => p.sku === sku);
}

export type ServiceDirection = 'em-to-etp' | 'etp-to-em' | 'ekt-to-etp' | 'etp-to-ekt';

/** The e-shop's services for ETP exchange, from 000 App.7 Appendix 1 ("Перечень действующих сервисов"). */
const SERVICE_GROUPS: readonly { direction: ServiceDirection; prefix: string; names: readonly string[] }[] = [
  {
    direction: 'em-to-etp',
    prefix: 'em-out',
    names: [
      'по зарегистрированным участникам государственных закупок',
      'по недобросовестным участникам государственных закупок',
      'по справочным данным (коды ЕНСТРУ, национальное изъятие, причины отклонения заказов, дополнительные услуги, типы улиц, КАТО)',
      'по планам государственных закупок',
      'по уведомлениям, произошедшим в электронном магазине',
      'по заказам и предварительным заказам, зарегистрированным в электронном магазине',
      'по протоколам предварительных итогов по заказам',
      'по протоколам итогов по заказам',
      'по статусам договоров о государственных закупках, заключенных способом через электронный магазин',
      'по списку дистрибьюторов и дилеров по товарам ЭКТ',
      'по потенциальным поставщикам, прикрепленным к определенным торговым площадкам',
      'по ценовым предложениям, поданным в предварительных заказах',
    ],
  },
  {
    direction: 'etp-to-em',
    prefix: 'em-in',
    names: [
      'информация о зарегистрированном потенциальном поставщике с целью его прикрепления к электронной торговой площадке',
      'об оформленных заказах',
      'обо всех ценовых предложениях потенциальных поставщиков на оформленный заказ или предварительный заказ',
      'о подтверждении и (или) отклонении заказа потенциальным поставщиком',
      'информация о дистрибьюторах или дилерах товаров электронного каталога товаров',
    ],
  },
  {
    direction: 'ekt-to-etp',
    prefix: 'ekt-out',
    names: [
      'по структуре электронного каталога товаров (все уровни)',
      'по товарам электронного каталога товаров со всеми характеристиками',
      'обновление товаров из электронного каталога товаров каждые 24 часа',
    ],
  },
  {
    direction: 'etp-to-ekt',
    prefix: 'ekt-in',
    names: ['по товарам ЭТП со всеми характеристиками, в соответствии с шаблоном электронного каталога товаров'],
  },
];

export interface EshopService {
  id: string;
  name: string;
  direction: ServiceDirection;
  environment: 'test' | 'productive';
  status: 'available';
}

export const ESHOP_SERVICES: readonly EshopService[] = SERVICE_GROUPS.flatMap((g) =>
  g.names.flatMap((name, i) =>
    (['productive', 'test'] as const).map((environment) => ({
      id: `${g.prefix}-${String(i + 1).padStart(2, '0')}${environment === 'test' ? '-test' : ''}`,
      name,
      direction: g.direction,
      environment,
      status: 'available' as const,
    })),
  ),
);
