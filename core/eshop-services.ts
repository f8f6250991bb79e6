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

export const ESHOP_SERVICES = [
  {
    id: 'participants',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.1',
    name: { ru: 'по зарегистрированным участникам государственных закупок', kk: 'мемлекеттік сатып алуға тіркелген қатысушылар бойынша' },
  },
  {
    id: 'unreliable-participants',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.2',
    name: { ru: 'по недобросовестным участникам государственных закупок', kk: 'мемлекеттік сатып алуға жосықсыз қатысушылар бойынша' },
  },
  {
    id: 'reference-data',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.3',
    name: { ru: 'по справочным данным', kk: 'анықтамалық деректер бойынша' },
    items: [
      { ru: 'Коды ЕНСТРУ', kk: 'ТЖҚ БНА кодтары' },
      { ru: 'Список кодов ЕНСТРУ, входящих в перечень национального изъятия', kk: 'Ұлттық алып қою тізбесіне енгізілген ТЖҚ БНА кодтарының тізімі' },
      { ru: 'Перечень причин отклонения заказов', kk: 'Тапсырыстарды қабылдамау себептерінің тізбесі' },
      { ru: 'Перечень дополнительных услуг для заказов', kk: 'Тапсырыстарға арналған қосымша қызметтер тізбесі' },
      { ru: 'Перечень типов улиц для оформления заказов', kk: 'Тапсырыстарды ресімдеуге арналған көше түрлерінің тізбесі' },
      { ru: 'Справочник КАТО', kk: 'ӘАОЖ анықтамалығы' },
    ],
  },
  {
    id: 'procurement-plans',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.4',
    name: { ru: 'по планам государственных закупок', kk: 'мемлекеттік сатып алу жоспарлары бойынша' },
  },
  {
    id: 'notifications',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.5',
    name: { ru: 'по уведомлениям, произошедшим в электронном магазине', kk: 'электрондық дүкенде туындаған хабарламалар бойынша' },
  },
  {
    id: 'orders',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.6',
    name: { ru: 'по заказам и предварительным заказам, зарегистрированным в электронном магазине', kk: 'электрондық дүкенде тіркелген тапсырыстар мен алдын ала тапсырыстар бойынша' },
  },
  {
    id: 'preliminary-result-protocols',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.7',
    name: { ru: 'по протоколам предварительных итогов по заказам', kk: 'тапсырыстар бойынша алдын ала қорытындылар хаттамалары бойынша' },
  },
  {
    id: 'result-protocols',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.8',
    name: { ru: 'по протоколам итогов по заказам', kk: 'тапсырыстар бойынша қорытындылар хаттамалары бойынша' },
  },
  {
    id: 'contract-statuses',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.9',
    name: {
      ru: 'по статусам договоров о государственных закупках, заключенных способом через электронный магазин',
      kk: 'электрондық дүкен арқылы сатып алу тәсілімен жасалған мемлекеттік сатып алу туралы шарттардың мәртебелері бойынша',
    },
  },
  {
    id: 'distributors',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.10',
    name: { ru: 'по списку дистрибьюторов и дилеров по товарам ЭКТ', kk: 'тауарлардың электрондық каталогындағы тауарлар бойынша дистрибьюторлар мен дилерлер тізімі бойынша' },
  },
  {
    id: 'attached-suppliers',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.11',
    name: { ru: 'по потенциальным поставщикам, прикрепленным к определенным торговым площадкам', kk: 'белгілі бір сауда алаңдарына бекітілген әлеуетті өнім берушілер бойынша' },
  },
  {
    id: 'preliminary-order-price-offers',
    direction: 'from-eshop',
    ref: '000 App.7 App.1 §1.12',
    name: { ru: 'по ценовым предложениям, поданным в предварительных заказах', kk: 'алдын ала тапсырыстарда берілген баға ұсыныстары бойынша' },
  },
  {
    id: 'supplier-attachment-in',
    direction: 'to-eshop',
    ref: '000 App.7 App.1 §2.1',
    name: {
      ru: 'информация о зарегистрированном потенциальном поставщике с целью его прикрепления к электронной торговой площадке',
      kk: 'тіркелген әлеуетті өнім берушіні электрондық сауда алаңына бекіту мақсатында ол туралы ақпарат',
    },
  },
  {
    id: 'orders-in',
    direction: 'to-eshop',
    ref: '000 App.7 App.1 §2.2',
    name: { ru: 'об оформленных заказах', kk: 'ресімделген тапсырыстар туралы' },
  },
  {
    id: 'price-offers-in',
    direction: 'to-eshop',
    ref: '000 App.7 App.1 §2.3',
    name: {
      ru: 'обо всех ценовых предложениях потенциальных поставщиков на оформленный заказ или предварительный заказ',
      kk: 'ресімделген тапсырысқа немесе алдын ала тапсырысқа әлеуетті өнім берушілердің барлық баға ұсыныстары туралы',
    },
  },
  {
    id: 'order-decisions-in',
    direction: 'to-eshop',
    ref: '000 App.7 App.1 §2.4',
    name: { ru: 'о подтверждении и (или) отклонении заказа потенциальным поставщиком', kk: 'әлеуетті өнім берушінің тапсырысты растауы және (немесе) қабылдамауы туралы' },
  },
  {
    id: 'distributors-in',
    direction: 'to-eshop',
    ref: '000 App.7 App.1 §2.5',
    name: { ru: 'информация о дистрибьюторах или дилерах товаров электронного каталога товаров', kk: 'тауарлардың электрондық каталогы тауарларының дистрибьюторлары немесе дилерлері туралы ақпарат' },
  },
] as const satisfies readonly EshopServiceEntry[];

export type EshopServiceId = (typeof ESHOP_SERVICES)[number]['id'];

export const ESHOP_SERVICE_IDS: readonly EshopServiceId[] = ESHOP_SERVICES.map((s) => s.id);

export function isEshopServiceId(value: unknown): value is EshopServiceId {
  return typeof value === 'string' && (ESHOP_SERVICE_IDS as readonly string[]).includes(value);
}

/** The config module whose targets watch these services. */
export const ESHOP_MODULE = 'eshop';
