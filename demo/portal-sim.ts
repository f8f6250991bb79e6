/**
 * The simulated procurement portal of `kuzet demo`: portal pages, the e-shop (its service list, and
 * each service of 000 App.7 Appendix 1 per environment), the contracts API and two ETPs (order
 * placement/confirmation, prices, catalogue), all on one port, each route mapped to a fault target
 * that `POST /__fault` can break on demand. It is the shared test bed of kuzet's
 * tests, the README quick start and the browser journeys, so pages are deterministic and simple.
 *
 * @example
 * const sim = await startPortalSim({ port: 0 });
 * sim.setFault('etp-alpha.orders', 'down');
 * await sim.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, KuzetError, NotFoundError } from '../core/errors.ts';
import {
  ESHOP_ENVIRONMENTS,
  ESHOP_SERVICES as ESHOP_CATALOGUE,
  type EshopEnvironment,
  type EshopServiceId,
} from '../core/eshop-services.ts';
import {
  ANNOUNCEMENTS,
  astanaIso,
  ESHOP_SERVICES,
  ETPS,
  etpPrice,
  findAnnouncement,
  findProduct,
  PRODUCTS,
  searchAnnouncements,
  searchProducts,
  type EtpInfo,
} from './portal-sim.data.ts';
import {
  ALL_TARGETS,
  brokenResponse,
  FAULTS,
  html,
  isFault,
  json,
  parseFaultBody,
  truncatedResponse,
  type Fault,
  type SimResponse,
} from './portal-sim.faults.ts';
import {
  etpCataloguePage,
  etpHomePage,
  etpProductPage,
  homePage,
  loginPage,
  lotCardPage,
  notFoundPage,
  searchPage,
  type Notice,
} from './portal-sim.pages.ts';

export { FAULTS, ALL_TARGETS, isFault };
export type { Fault, Notice };

export interface PortalSimOptions {
  /** Port to listen on; 0 picks a free one. Default 8090. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Delay of the `slow` fault. Default 15 000 ms, longer than a probe's usual timeout. */
  slowMs?: number;
  /** Clock for `updatedAt`/`time` fields. Default the host's clock. */
  now?: () => Date;
}

export interface PortalSim {
  /** Base URL with the real port, e.g. `http://127.0.0.1:8090`. */
  url: string;
  port: number;
  /** ETP id → base URL of that ETP, e.g. `etp-alpha` → `http://127.0.0.1:8090/etp/etp-alpha`. */
  etpUrls: Record<string, string>;
  targets(): string[];
  /** Throws {@link InputError} (field `target` or `fault`) for an unknown one; target `*` sets all. */
  setFault(target: string, fault: Fault): void;
  faults(): Record<string, Fault>;
  /** Replaces the outage notices shown on the homepage. */
  setNotices(notices: readonly Notice[]): void;
  notices(): Notice[];
  close(): Promise<void>;
}

export interface SimTarget {
  id: string;
  kind: 'html' | 'json';
  /** A request that exercises the target, relative to the simulator's URL. */
  method: 'GET' | 'POST';
  path: string;
  /** HTML: a keyword the healthy page contains. JSON: a top-level field the healthy body has. */
  expect: string;
  description: string;
}

type EtpService = 'orders' | 'prices' | 'catalogue';

/** Every fault target with one representative request; keyword checks of the demo can be built from it. */
export const SIM_TARGETS: readonly SimTarget[] = [
  { id: 'homepage', kind: 'html', method: 'GET', path: '/', expect: 'Объявления', description: 'homepage with outage notices' },
  {
    id: 'search',
    kind: 'html',
    method: 'GET',
    path: '/ru/search/announce?q=',
    expect: 'Результаты поиска',
    description: 'announcement search',
  },
  {
    id: 'lots',
    kind: 'html',
    method: 'GET',
    path: `/ru/announce/index/${ANNOUNCEMENTS[0]?.id ?? ''}`,
    expect: 'Срок окончания приема заявок',
    description: 'lot card',
  },
  { id: 'auth', kind: 'html', method: 'GET', path: '/user/login', expect: 'Вход в систему', description: 'login page' },
  {
    id: 'eshop',
    kind: 'json',
    method: 'GET',
    path: '/api/v1/eshop/services',
    expect: 'services',
    description: 'e-shop service list with status',
  },
  {
    id: 'contracts',
    kind: 'json',
    method: 'GET',
    path: '/api/v1/contracts/health',
    expect: 'status',
    description: 'contracts module health',
  },
  ...ETPS.flatMap((etp): SimTarget[] => [
    {
      id: `${etp.id}.orders`,
      kind: 'json',
      method: 'GET',
      path: `/etp/${etp.id}/api/orders/health`,
      expect: 'status',
      description: `${etp.name}: order placement and confirmation`,
    },
    {
      id: `${etp.id}.prices`,
      kind: 'json',
      method: 'GET',
      path: `/etp/${etp.id}/api/prices`,
      expect: 'updatedAt',
      description: `${etp.name}: prices (API and product card)`,
    },
    {
      id: `${etp.id}.catalogue`,
      kind: 'json',
      method: 'GET',
      path: `/etp/${etp.id}/api/catalogue?q=`,
      expect: 'items',
      description: `${etp.name}: catalogue (API and storefront pages)`,
    },
  ]),
];

/** The fault target of one e-shop service in one environment, e.g. `eshop.test.orders-in`. */
export const eshopFaultTarget = (environment: EshopEnvironment, service: EshopServiceId) => `eshop.${environment}.${service}`;

/** Where the simulated e-shop serves one service of 000 App.7 Appendix 1 in one environment. */
export const eshopServicePath = (environment: EshopEnvironment, service: EshopServiceId) => `/api/v1/eshop/${environment}/${service}`;

/**
 * The e-shop's services for ETPs, one fault target per service and environment (34), apart from
 * SIM_TARGETS: the demo turns SIM_TARGETS into portal modules and ETPs, and these are all one module.
 */
export const ESHOP_SIM_TARGETS: readonly (SimTarget & { service: EshopServiceId; environment: EshopEnvironment })[] =
  ESHOP_ENVIRONMENTS.flatMap((environment) =>
    ESHOP_CATALOGUE.map((x) => ({
      id: eshopFaultTarget(environment, x.id),
      kind: 'json' as const,
      method: 'GET' as const,
      path: eshopServicePath(environment, x.id),
      expect: 'service',
      description: `${x.name.ru} (${environment === 'test' ? 'тестовая' : 'продуктивная'} среда)`,
      service: x.id,
      environment,
    })),
  );

const TARGET_IDS: readonly string[] = [...SIM_TARGETS.map((t) => t.id), ...ESHOP_SIM_TARGETS.map((t) => t.id)];
const BODY_LIMIT = 64 * 1024;
const ORDERS_KEPT = 1000;

interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  now: Date;
}

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  target: string;
  type: SimResponse['type'];
  /** Keyword or field the healthy response carries; `bad-json` on an HTML page cuts before it. */
  expect: string;
  handle(req: RouteRequest): SimResponse;
}

interface Order {
  orderId: string;
  sku: string;
  qty: number;
  status: 'placed' | 'confirmed';
  placedAt: string;
  confirmedAt?: string;
}

interface SimState {
  faults: Map<string, Fault>;
  notices: Notice[];
  orders: Map<string, Map<string, Order>>;
  orderSeq: Map<string, number>;
}

function parseJsonBody(body: string, emptyAs?: unknown): unknown {
  if (body.trim() === '' && emptyAs !== undefined) return emptyAs;
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new InputError(`body is not valid JSON: ${(err as Error).message}`, 'body');
  }
}

function parseOrderInput(raw: unknown): { sku: string; qty: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('body must be a JSON object {"sku"?: string, "qty"?: positive integer}', 'body');
  }
  const rec = raw as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key !== 'sku' && key !== 'qty') throw new InputError('unknown key; allowed keys are sku and qty', key);
  }
  const sku = rec.sku ?? PRODUCTS[0]?.sku;
  if (typeof sku !== 'string' || findProduct(sku) === undefined) {
    throw new InputError(`unknown sku ${JSON.stringify(rec.sku)}; expected one of ${PRODUCTS.map((p) => p.sku).join(', ')}`, 'sku');
  }
  const qty = rec.qty ?? 1;
  if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1 || qty > 100_000) {
    throw new InputError('qty must be an integer from 1 to 100000', 'qty');
  }
  return { sku, qty };
}

/** The pattern of one path under an ETP's base, e.g. `^/etp/etp\-alpha/api/prices$`. */
function etpPattern(etp: EtpInfo, path: string): RegExp {
  return new RegExp(`^${`/etp/${etp.id}`.replaceAll('-', '\\-')}${path}$`);
}

/** Places an order on `etp` from a request body, keeping at most ORDERS_KEPT orders. */
function placeOrder(etp: EtpInfo, state: SimState, orders: Map<string, Order>, body: string, now: Date): SimResponse {
  const input = parseOrderInput(parseJsonBody(body, {}));
  const seq = (state.orderSeq.get(etp.id) ?? 0) + 1;
  state.orderSeq.set(etp.id, seq);
  const order: Order = {
    orderId: `${etp.orderPrefix}-${String(seq).padStart(6, '0')}`,
    ...input,
    status: 'placed',
    placedAt: astanaIso(now),
  };
  orders.set(order.orderId, order);
  // Monitors place orders around the clock; keep memory bounded.
  if (orders.size > ORDERS_KEPT) orders.delete(orders.keys().next().value as string);
  return json(200, { orderId: order.orderId, status: order.status, sku: order.sku, qty: order.qty, placedAt: order.placedAt });
}

/** Confirms a placed order; confirming it again answers the same. */
function confirmOrder(etp: EtpInfo, orders: Map<string, Order>, id: string | undefined, now: Date): SimResponse {
  const order = orders.get(id ?? '');
  if (order === undefined) throw new NotFoundError(`no order ${id ?? ''} on ${etp.id}`);
  if (order.status === 'placed') {
    order.status = 'confirmed';
    order.confirmedAt = astanaIso(now);
  }
  return json(200, { orderId: order.orderId, status: order.status, confirmedAt: order.confirmedAt });
}

/** The order service of one ETP: place, confirm and health, all on its `orders` fault target. */
function etpOrderRoutes(etp: EtpInfo, state: SimState, orders: Map<string, Order>): Route[] {
  const target = `${etp.id}.orders`;
  return [
    {
      method: 'POST',
      pattern: etpPattern(etp, '/api/orders'),
      target,
      expect: 'orderId',
      type: 'json',
      handle: ({ body, now }) => placeOrder(etp, state, orders, body, now),
    },
    {
      method: 'POST',
      pattern: etpPattern(etp, '/api/orders/(?<id>[^/]+)/confirm'),
      target,
      expect: 'orderId',
      type: 'json',
      handle: ({ params, now }) => confirmOrder(etp, orders, params.id, now),
    },
    {
      method: 'GET',
      pattern: etpPattern(etp, '/api/orders/health'),
      target,
      expect: 'status',
      type: 'json',
      handle: ({ now }) => json(200, { status: 'ok', time: astanaIso(now) }),
    },
  ];
}

/** The prices and catalogue of one ETP: their APIs and the storefront pages. */
function etpShopRoutes(etp: EtpInfo): Route[] {
  const t = (service: EtpService) => `${etp.id}.${service}`;
  const re = (path: string) => etpPattern(etp, path);
  const productJson = (p: (typeof PRODUCTS)[number]) => ({ sku: p.sku, name: p.name, unit: p.unit, enstru: p.enstru });
  return [
    {
      method: 'GET',
      pattern: re('/api/prices'),
      target: t('prices'),
      expect: 'updatedAt',
      type: 'json',
      handle: ({ now }) =>
        json(200, {
          updatedAt: astanaIso(now),
          items: PRODUCTS.map((p) => ({ sku: p.sku, price: etpPrice(etp, p), currency: 'KZT' })),
        }),
    },
    {
      method: 'GET',
      pattern: re('/api/catalogue'),
      target: t('catalogue'),
      expect: 'items',
      type: 'json',
      handle: ({ query, now }) => json(200, { updatedAt: astanaIso(now), items: searchProducts(query.get('q') ?? '').map(productJson) }),
    },
    {
      method: 'GET',
      pattern: re('/?'),
      target: t('catalogue'),
      expect: 'Каталог товаров',
      type: 'html',
      handle: () => html(200, etpHomePage(etp)),
    },
    {
      method: 'GET',
      pattern: re('/catalogue'),
      target: t('catalogue'),
      expect: 'Каталог товаров',
      type: 'html',
      handle: ({ query }) => {
        const q = query.get('q') ?? '';
        return html(200, etpCataloguePage(etp, q, searchProducts(q)));
      },
    },
    {
      // The product card shows the price, so it breaks with the prices service: a journey
      // "catalogue → product → price" can then fail at either step.
      method: 'GET',
      pattern: re('/product/(?<sku>[^/]+)'),
      target: t('prices'),
      expect: 'Цена',
      type: 'html',
      handle: ({ params }) => {
        const product = findProduct(params.sku ?? '');
        return product === undefined ? html(404, notFoundPage()) : html(200, etpProductPage(etp, product));
      },
    },
  ];
}

function etpRoutes(etp: EtpInfo, state: SimState): Route[] {
  const orders = new Map<string, Order>();
  state.orders.set(etp.id, orders);
  return [...etpOrderRoutes(etp, state, orders), ...etpShopRoutes(etp)];
}

/** The portal's own pages: homepage, announcement search, lot card and login. */
function portalPageRoutes(state: SimState): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/$/,
      target: 'homepage',
      expect: 'Объявления',
      type: 'html',
      handle: () => html(200, homePage(state.notices, ANNOUNCEMENTS.slice(0, 5))),
    },
    {
      method: 'GET',
      pattern: /^\/ru\/search\/announce\/?$/,
      target: 'search',
      expect: 'Результаты поиска',
      type: 'html',
      handle: ({ query }) => {
        const q = query.get('q') ?? '';
        return html(200, searchPage(q, searchAnnouncements(q)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/ru\/announce\/index\/(?<id>[^/]+)$/,
      target: 'lots',
      expect: 'Срок окончания приема заявок',
      type: 'html',
      handle: ({ params }) => {
        const a = findAnnouncement(params.id ?? '');
        return a === undefined ? html(404, notFoundPage()) : html(200, lotCardPage(a));
      },
    },
    {
      method: 'GET',
      pattern: /^\/user\/login$/,
      target: 'auth',
      expect: 'Вход в систему',
      type: 'html',
      handle: () => html(200, loginPage()),
    },
    {
      // No accounts exist in the simulator: every attempt fails the same visible way.
      method: 'POST',
      pattern: /^\/user\/login$/,
      target: 'auth',
      expect: 'Вход в систему',
      type: 'html',
      handle: () => html(200, loginPage('Неверный логин или пароль')),
    },
  ];
}

/** One e-shop service in one environment (an ESHOP_SIM_TARGETS entry) as a route. */
function eshopServiceRoute(t: (typeof ESHOP_SIM_TARGETS)[number]): Route {
  const x = ESHOP_CATALOGUE.find((e) => e.id === t.service)!;
  return {
    method: 'GET',
    pattern: new RegExp(`^${t.path}$`),
    target: t.id,
    expect: 'service',
    type: 'json',
    // What an ETP would read from the service: which one it is and that it answers; no real data.
    handle: ({ now }) =>
      json(200, {
        service: x.id,
        environment: t.environment,
        direction: x.direction,
        ref: x.ref,
        name: x.name.ru,
        status: 'available',
        updatedAt: astanaIso(now),
        items: [],
      }),
  };
}

function buildRoutes(state: SimState): Route[] {
  return [
    ...portalPageRoutes(state),
    {
      method: 'GET',
      pattern: /^\/api\/v1\/eshop\/services$/,
      target: 'eshop',
      expect: 'services',
      type: 'json',
      handle: ({ now }) => json(200, { updatedAt: astanaIso(now), services: ESHOP_SERVICES }),
    },
    ...ESHOP_SIM_TARGETS.map(eshopServiceRoute),
    {
      method: 'GET',
      pattern: /^\/api\/v1\/contracts\/health$/,
      target: 'contracts',
      expect: 'status',
      type: 'json',
      handle: ({ now }) => json(200, { status: 'ok', module: 'contracts', time: astanaIso(now) }),
    },
    ...ETPS.flatMap((etp) => etpRoutes(etp, state)),
  ];
}

function parseNotices(raw: unknown): Notice[] {
  if (!Array.isArray(raw)) throw new InputError('body must be a JSON array of {"ru": "...", "kk": "..."}', 'body');
  if (raw.length > 50) throw new InputError('at most 50 notices', 'body');
  return raw.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InputError('must be an object {"ru","kk"}', `[${i}]`);
    const rec = item as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (key !== 'ru' && key !== 'kk') throw new InputError('unknown key; allowed keys are ru and kk', `[${i}].${key}`);
    }
    for (const lang of ['ru', 'kk'] as const) {
      const text = rec[lang];
      // Notices are published in both state and Russian languages (docs/rules.md §6).
      if (typeof text !== 'string' || text.trim() === '' || text.length > 4000) {
        throw new InputError('must be a non-empty string of at most 4000 characters', `[${i}].${lang}`);
      }
    }
    return { ru: rec.ru as string, kk: rec.kk as string };
  });
}

function errorResponse(err: unknown): SimResponse {
  if (err instanceof KuzetError) {
    return json(err.status, { error: { code: err.code, message: err.message, field: err.field } });
  }
  return json(500, { error: { code: 'internal', message: (err as Error)?.message ?? String(err) } });
}

function send(res: ServerResponse, r: SimResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = Buffer.from(r.body, 'utf8');
  res.writeHead(r.status, {
    'Content-Type': r.type === 'json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    ...r.headers,
  });
  res.end(body);
}

class BodyTooLargeError extends KuzetError {
  constructor() {
    super('invalid_input', `body exceeds ${BODY_LIMIT} bytes`, { field: 'body', status: 413 });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** What one request of the simulator needs: its state and routes, its clock, and the pending `slow` answers. */
interface SimContext {
  state: SimState;
  routes: Route[];
  now: () => Date;
  slowMs: number;
  slowTimers: Set<NodeJS.Timeout>;
}

function newSimState(): SimState {
  return {
    faults: new Map(TARGET_IDS.map((id) => [id, 'none' as Fault])),
    notices: [],
    orders: new Map(),
    orderSeq: new Map(),
  };
}

/** Sets `fault` on `target`, or on every target for `*`; an unknown target or fault is bad input. */
function setSimFault(state: SimState, target: string, fault: Fault): void {
  const parsed = parseFaultBody({ target, fault }, TARGET_IDS);
  for (const id of parsed.target === ALL_TARGETS ? TARGET_IDS : [parsed.target]) state.faults.set(id, parsed.fault);
}

function faultState(state: SimState): SimResponse {
  return json(200, { targets: [...TARGET_IDS], faults: Object.fromEntries(state.faults) });
}

/** The simulator's own endpoints (`/healthz`, `/__fault`, `/__notices`); undefined for any other path. */
async function control(state: SimState, method: string, path: string, req: IncomingMessage): Promise<SimResponse | undefined> {
  if (path === '/healthz') return method === 'GET' ? json(200, { status: 'ok' }) : methodNotAllowed('GET');
  if (path === '/__fault') {
    if (method === 'GET') return faultState(state);
    if (method !== 'POST') return methodNotAllowed('GET, POST');
    const { target, fault } = parseFaultBody(parseJsonBody(await readBody(req)), TARGET_IDS);
    setSimFault(state, target, fault);
    return faultState(state);
  }
  if (path === '/__notices') {
    if (method === 'GET') return json(200, { notices: state.notices });
    if (method !== 'POST') return methodNotAllowed('GET, POST');
    state.notices = parseNotices(parseJsonBody(await readBody(req)));
    return json(200, { notices: state.notices });
  }
  return undefined;
}

/** The first route of `method` whose pattern matches `pathname`, with its decoded parameters. */
function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const m = route.method === method ? route.pattern.exec(pathname) : null;
    if (m) return { route, params: decodeParams(m.groups ?? {}) };
  }
  return undefined;
}

/** Sends `out` after `slowMs`, or never if the client goes away first. */
function sendSlowly(res: ServerResponse, out: SimResponse, ctx: SimContext): void {
  const timer = setTimeout(() => {
    ctx.slowTimers.delete(timer);
    send(res, out);
  }, ctx.slowMs);
  ctx.slowTimers.add(timer);
  res.once('close', () => {
    clearTimeout(timer);
    ctx.slowTimers.delete(timer);
  });
}

/** Answers one request: a control endpoint, else the matched route as its target's fault makes it. */
async function handle(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
  const ctl = await control(ctx.state, method, url.pathname, req);
  if (ctl !== undefined) return send(res, ctl);

  const match = matchRoute(ctx.routes, method, url.pathname);
  if (match === undefined) return send(res, html(404, notFoundPage()));
  const { route, params } = match;

  const fault = ctx.state.faults.get(route.target) ?? 'none';
  if (fault === 'down') {
    // A connection-level failure: no status line at all, like a dead upstream.
    req.socket.destroy();
    return;
  }
  if (fault === 'http-500' || fault === 'wrong-content') return send(res, brokenResponse(fault, route.type));
  let healthy: SimResponse;
  try {
    const body = method === 'POST' ? await readBody(req) : '';
    healthy = route.handle({ params, query: url.searchParams, body, now: ctx.now() });
  } catch (err) {
    healthy = errorResponse(err);
  }
  const out = fault === 'bad-json' ? truncatedResponse(healthy, route.expect) : healthy;
  if (fault !== 'slow') return send(res, out);
  sendSlowly(res, out, ctx);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startPortalSim(opts: PortalSimOptions = {}): Promise<PortalSim> {
  const host = opts.host ?? '127.0.0.1';
  const state = newSimState();
  const ctx: SimContext = {
    state,
    routes: buildRoutes(state),
    now: opts.now ?? (() => new Date()),
    slowMs: opts.slowMs ?? 15_000,
    slowTimers: new Set(),
  };

  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => send(res, errorResponse(err)));
  });
  await listen(server, opts.port ?? 8090, host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    etpUrls: Object.fromEntries(ETPS.map((etp) => [etp.id, `${url}/etp/${etp.id}`])),
    targets: () => [...TARGET_IDS],
    setFault: (target, fault) => setSimFault(state, target, fault),
    faults: () => Object.fromEntries(state.faults),
    setNotices: (notices) => {
      state.notices = parseNotices(notices);
    },
    notices: () => state.notices.map((n) => ({ ...n })),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of ctx.slowTimers) clearTimeout(timer);
        ctx.slowTimers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive and slow-fault connections would otherwise hold the port open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function methodNotAllowed(allow: string): SimResponse {
  return { ...json(405, { error: { code: 'invalid_input', message: `method not allowed; use ${allow}` } }), headers: { Allow: allow } };
}

function decodeParams(groups: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) {
    if (v === undefined) continue;
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v; // a malformed escape simply matches nothing
    }
  }
  return out;
}
