/**
 * The e-shop's services for the exchange with ETPs (000 App.7 Appendix 1, «Перечень действующих
 * сервисов»), whose list the operator publishes on the portal with each service's availability, test
 * and productive (000 App.7 §3). Section 1 of the appendix lists what an ETP receives from the e-shop
 * (12 services), section 2 what it sends to it (5); sections 3–4 (the goods catalogue, ЭКТ) are a
 * different subsystem and not part of this list.
 *
 * Ids are stable (config targets and the status site key on them): a service the ETP receives from the
 * e-shop is named for its data (`orders`), one it sends to the e-shop carries `-in` (`orders-in`), so
 * the pairs that share a subject (orders, price offers, distributors) never collide.
 *
 * Russian names are the appendix's own words (two case slips of the original are set right: «Список
 * кодов ЕНСТРУ», «Перечень типов улиц»); the Kazakh names are kuzet's translation, built from the
 * terms of docs/kazakh-glossary.md (the order exists here only in Russian), to be confirmed by a
 * Kazakh reader against the Kazakh edition.
 */

export const ESHOP_DIRECTIONS = ['from-eshop', 'to-eshop'] as const;
/** `from-eshop`: the ETP receives the data from the e-shop (App.1 §1); `to-eshop`: the ETP sends it (App.1 §2). */
export type EshopDirection = (typeof ESHOP_DIRECTIONS)[number];

/** Environments of the e-shop's services (000 App.7 §3; 000 §19–21: test first, then productive). */
export const ESHOP_ENVIRONMENTS = ['test', 'productive'] as const;
export type EshopEnvironment = (typeof ESHOP_ENVIRONMENTS)[number];

export interface EshopServiceEntry {
  readonly id: string;
  readonly direction: EshopDirection;
  /** Where the service is listed, e.g. `000 App.7 App.1 §1.6` (section 1, row 6). */
  readonly ref: string;
  readonly name: { readonly ru: string; readonly kk: string };
  /** The reference books of the reference-data service, as the appendix lists them. */
  readonly items?: readonly { readonly ru: string; readonly kk: string }[];
}

type ListedService = Omit<EshopServiceEntry, 'direction' | 'ref'>;

/** App.1 §1, what the ETP receives from the e-shop, in the appendix's order: the position is the row of the ref. */
const RECEIVED = [
  {
    id: 'participants',
    name: { ru: 'по зарегистрированным участникам государственных закупок', kk: 'мемлекеттік сатып алуға тіркелген қатысушылар бойынша' },
  },
  {
    id: 'unreliable-participants',
    name: { ru: 'по недобросовестным участникам государственных закупок', kk: 'мемлекеттік сатып алуға жосықсыз қатысушылар бойынша' },
  },
  {
    id: 'reference-data',
    name: { ru: 'по справочным данным', kk: 'анықтамалық деректер бойынша' },
    items: [
      { ru: 'Коды ЕНСТРУ', kk: 'ТЖҚ БНА кодтары' },
      {
        ru: 'Список кодов ЕНСТРУ, входящих в перечень национального изъятия',
        kk: 'Ұлттық алып қою тізбесіне енгізілген ТЖҚ БНА кодтарының тізімі',
      },
      { ru: 'Перечень причин отклонения заказов', kk: 'Тапсырыстарды қабылдамау себептерінің тізбесі' },
      { ru: 'Перечень дополнительных услуг для заказов', kk: 'Тапсырыстарға арналған қосымша қызметтер тізбесі' },
      { ru: 'Перечень типов улиц для оформления заказов', kk: 'Тапсырыстарды ресімдеуге арналған көше түрлерінің тізбесі' },
      { ru: 'Справочник КАТО', kk: 'ӘАОЖ анықтамалығы' },
    ],
  },
  {
    id: 'procurement-plans',
    name: { ru: 'по планам государственных закупок', kk: 'мемлекеттік сатып алу жоспарлары бойынша' },
  },
  {
    id: 'notifications',
    name: { ru: 'по уведомлениям, произошедшим в электронном магазине', kk: 'электрондық дүкенде туындаған хабарламалар бойынша' },
  },
  {
    id: 'orders',
    name: {
      ru: 'по заказам и предварительным заказам, зарегистрированным в электронном магазине',
      kk: 'электрондық дүкенде тіркелген тапсырыстар мен алдын ала тапсырыстар бойынша',
    },
  },
  {
    id: 'preliminary-result-protocols',
    name: { ru: 'по протоколам предварительных итогов по заказам', kk: 'тапсырыстар бойынша алдын ала қорытындылар хаттамалары бойынша' },
  },
  {
    id: 'result-protocols',
    name: { ru: 'по протоколам итогов по заказам', kk: 'тапсырыстар бойынша қорытындылар хаттамалары бойынша' },
  },
  {
    id: 'contract-statuses',
    name: {
      ru: 'по статусам договоров о государственных закупках, заключенных способом через электронный магазин',
      kk: 'электрондық дүкен арқылы сатып алу тәсілімен жасалған мемлекеттік сатып алу туралы шарттардың мәртебелері бойынша',
    },
  },
  {
    id: 'distributors',
    name: {
      ru: 'по списку дистрибьюторов и дилеров по товарам ЭКТ',
      kk: 'тауарлардың электрондық каталогындағы тауарлар бойынша дистрибьюторлар мен дилерлер тізімі бойынша',
    },
  },
  {
    id: 'attached-suppliers',
    name: {
      ru: 'по потенциальным поставщикам, прикрепленным к определенным торговым площадкам',
      kk: 'белгілі бір сауда алаңдарына бекітілген әлеуетті өнім берушілер бойынша',
    },
  },
  {
    id: 'preliminary-order-price-offers',
    name: {
      ru: 'по ценовым предложениям, поданным в предварительных заказах',
      kk: 'алдын ала тапсырыстарда берілген баға ұсыныстары бойынша',
    },
  },
] as const satisfies readonly ListedService[];

/** App.1 §2, what the ETP sends to the e-shop, in the appendix's order. */
const SENT = [
  {
    id: 'supplier-attachment-in',
    name: {
      ru: 'информация о зарегистрированном потенциальном поставщике с целью его прикрепления к электронной торговой площадке',
      kk: 'тіркелген әлеуетті өнім берушіні электрондық сауда алаңына бекіту мақсатында ол туралы ақпарат',
    },
  },
  {
    id: 'orders-in',
    name: { ru: 'об оформленных заказах', kk: 'ресімделген тапсырыстар туралы' },
  },
  {
    id: 'price-offers-in',
    name: {
      ru: 'обо всех ценовых предложениях потенциальных поставщиков на оформленный заказ или предварительный заказ',
      kk: 'ресімделген тапсырысқа немесе алдын ала тапсырысқа әлеуетті өнім берушілердің барлық баға ұсыныстары туралы',
    },
  },
  {
    id: 'order-decisions-in',
    name: {
      ru: 'о подтверждении и (или) отклонении заказа потенциальным поставщиком',
      kk: 'әлеуетті өнім берушінің тапсырысты растауы және (немесе) қабылдамауы туралы',
    },
  },
  {
    id: 'distributors-in',
    name: {
      ru: 'информация о дистрибьюторах или дилерах товаров электронного каталога товаров',
      kk: 'тауарлардың электрондық каталогы тауарларының дистрибьюторлары немесе дилерлері туралы ақпарат',
    },
  },
] as const satisfies readonly ListedService[];

const listed = <S extends ListedService>(xs: readonly S[], direction: EshopDirection, section: 1 | 2) =>
  xs.map((x, i) => ({ ...x, direction, ref: `000 App.7 App.1 §${section}.${i + 1}` }) satisfies EshopServiceEntry);

/** The 17 services: the 12 the ETP receives (App.1 §1), then the 5 it sends (App.1 §2). */
export const ESHOP_SERVICES = [...listed(RECEIVED, 'from-eshop', 1), ...listed(SENT, 'to-eshop', 2)];

export type EshopServiceId = (typeof ESHOP_SERVICES)[number]['id'];

export const ESHOP_SERVICE_IDS: readonly EshopServiceId[] = ESHOP_SERVICES.map((s) => s.id);

export function isEshopServiceId(value: unknown): value is EshopServiceId {
  return typeof value === 'string' && (ESHOP_SERVICE_IDS as readonly string[]).includes(value);
}

/** The config module whose targets watch these services. */
export const ESHOP_MODULE = 'eshop';
