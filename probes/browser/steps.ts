/**
 * Declarative journey steps for kuzet.yaml, and the page actions both they and TypeScript journeys
 * use. Each action waits at most the step timeout and fails with a reason that reads well after
 * `step "<name>": ` — the operator sees what was expected, where, and for how long.
 */
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { formatSeconds, isTimeoutError, StepFailure } from './failure.ts';

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/**
 * A duration as written (seconds, or `"500ms"`, `"10s"`, `"1m"`). Kept as written and converted
 * with {@link durationMs} at run time: the runner parses settings again, so schemas have no transforms.
 */
export const durationInput = z.union([
  z.number().positive(),
  z.string().regex(DURATION_RE, 'not a duration: use seconds or a string like "10s", "500ms"'),
]);
export type DurationInput = z.output<typeof durationInput>;

export function durationMs(d: DurationInput): number {
  if (typeof d === 'number') return Math.round(d * 1000);
  const m = DURATION_RE.exec(d.trim())!;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

const regexString = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const selector = z.string().min(1);
const common = {
  /** Shown in results and metrics; default derived from the action (`click [data-testid=search-submit]`). */
  name: z.string().min(1).max(120).optional(),
  /** Overrides the check's `stepTimeout` for this step. */
  timeout: durationInput.optional(),
};

export const STEP_ACTIONS = [
  'goto',
  'click',
  'fill',
  'press',
  'select',
  'waitFor',
  'expectText',
  'expectVisible',
  'expectUrl',
  'expectStatus',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const stepSchema = z.discriminatedUnion(
  'action',
  [
    /** Opens a URL (absolute, or relative to `baseUrl`) and waits for `load`. */
    z.strictObject({ action: z.literal('goto'), url: z.string().min(1), ...common }),
    z.strictObject({ action: z.literal('click'), selector, ...common }),
    z.strictObject({ action: z.literal('fill'), selector, value: z.string(), ...common }),
    /** A key (`Enter`, `Tab`) pressed in `selector`, or on the page when absent. */
    z.strictObject({ action: z.literal('press'), key: z.string().min(1), selector: selector.optional(), ...common }),
    /** Picks the option of a `<select>` whose value or label is `value`. */
    z.strictObject({ action: z.literal('select'), selector, value: z.string(), ...common }),
    z.strictObject({
      action: z.literal('waitFor'),
      selector,
      state: z.enum(['visible', 'hidden', 'attached', 'detached']).default('visible'),
      ...common,
    }),
    /** Text (case-insensitive substring) visible in `selector` (default: anywhere on the page). */
    z.strictObject({ action: z.literal('expectText'), text: z.string().min(1), selector: selector.optional(), ...common }),
    z.strictObject({ action: z.literal('expectVisible'), selector, ...common }),
    z
      .strictObject({ action: z.literal('expectUrl'), contains: z.string().min(1).optional(), matches: regexString.optional(), ...common })
      .refine((s) => (s.contains === undefined) !== (s.matches === undefined), 'give exactly one of contains or matches'),
    /** The status of the page's last main-frame navigation (a `goto`, or a click that navigated). */
    z.strictObject({
      action: z.literal('expectStatus'),
      status: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)]),
      ...common,
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union' && (iss as { note?: string }).note === 'No matching discriminator'
        ? `unknown action ${JSON.stringify((iss.input as { action?: unknown } | undefined)?.action)}; known: ${STEP_ACTIONS.join(', ')}`
        : undefined,
  },
);
export type Step = z.output<typeof stepSchema>;

/** The step's name as shown: its own `name`, or one made from the action. */
export function stepName(s: Step): string {
  if (s.name) return s.name;
  switch (s.action) {
    case 'goto':
      return `goto ${s.url}`;
    case 'click':
    case 'expectVisible':
      return `${s.action} ${s.selector}`;
    case 'fill':
    case 'select':
      return `${s.action} ${s.selector}`;
    case 'press':
      return `press ${s.key}`;
    case 'waitFor':
      return `wait for ${s.selector}`;
    case 'expectText':
      return `expect text "${s.text}"`;
    case 'expectUrl':
      return `expect URL ${s.contains ?? `/${s.matches}/`}`;
    case 'expectStatus':
      return `expect status ${[s.status].flat().join('|')}`;
  }
}

export interface ActionOptions {
  /** Overrides the step timeout, ms. */
  timeoutMs?: number;
}

/** What both declarative steps and journey modules can do with the page. */
export interface PageActions {
  /** Opens `url` (relative to `baseUrl`) and returns the response status (null for e.g. `about:blank`). */
  goto(url: string, opts?: ActionOptions): Promise<number | null>;
  click(selector: string, opts?: ActionOptions): Promise<void>;
  fill(selector: string, value: string, opts?: ActionOptions): Promise<void>;
  press(key: string, selector?: string, opts?: ActionOptions): Promise<void>;
  select(selector: string, value: string, opts?: ActionOptions): Promise<void>;
  waitFor(selector: string, state?: 'visible' | 'hidden' | 'attached' | 'detached', opts?: ActionOptions): Promise<void>;
  expectText(text: string, selector?: string, opts?: ActionOptions): Promise<void>;
  expectVisible(selector: string, opts?: ActionOptions): Promise<void>;
  expectUrl(expected: { contains: string } | { matches: string | RegExp }, opts?: ActionOptions): Promise<void>;
  expectStatus(status: number | readonly number[]): void;
  /** Status of the last main-frame navigation, null before any. */
  readonly lastStatus: number | null;
}

/** Page actions bound to one page, its base URL and step timeout. */
/** Runs a Playwright wait; its timeout becomes a failure that says what was not found. */
async function waiting<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (isTimeoutError(err)) throw new StepFailure(`${what} within ${formatSeconds(ms)}`, 'assertion', { cause: err });
    throw err;
  }
}

function resolveStepUrl(url: string, baseUrl: string | undefined): string {
  try {
    return new URL(url, baseUrl).toString();
  } catch {
    throw new StepFailure(`"${url}" is not an absolute URL and no baseUrl is set`, 'internal');
  }
}

/** Waits until the page's URL contains or matches `expected`, failing with the URL it is still at. */
async function expectUrlOn(page: Page, expected: Parameters<PageActions['expectUrl']>[0], ms: number): Promise<void> {
  const test =
    'contains' in expected
      ? (u: URL) => u.toString().includes(expected.contains)
      : (u: URL) => (typeof expected.matches === 'string' ? new RegExp(expected.matches) : expected.matches).test(u.toString());
  const wanted =
    'contains' in expected
      ? `to contain "${expected.contains}"`
      : `to match /${typeof expected.matches === 'string' ? expected.matches : expected.matches.source}/`;
  try {
    await page.waitForURL(test, { timeout: ms, waitUntil: 'commit' });
  } catch (err) {
    if (isTimeoutError(err))
      throw new StepFailure(`expected the URL ${wanted}, still "${page.url()}" after ${formatSeconds(ms)}`, 'assertion', { cause: err });
    throw err;
  }
}

export function pageActions(page: Page, o: { baseUrl: string | undefined; stepTimeoutMs: number }): PageActions {
  let lastStatus: number | null = null;
  page.on('response', (res) => {
    const req = res.request();
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) lastStatus = res.status();
  });
  const limit = (opts?: ActionOptions) => opts?.timeoutMs ?? o.stepTimeoutMs;
  const resolveUrl = (url: string) => resolveStepUrl(url, o.baseUrl);

  return {
    get lastStatus() {
      return lastStatus;
    },
    async goto(url, opts) {
      const ms = limit(opts);
      const target = resolveUrl(url);
      try {
        const res = await page.goto(target, { timeout: ms, waitUntil: 'load' });
        if (res) lastStatus = res.status();
        return res?.status() ?? null;
      } catch (err) {
        if (isTimeoutError(err))
          throw new StepFailure(`page ${target} did not load within ${formatSeconds(ms)}`, 'timeout', { cause: err });
        throw err;
      }
    },
    async click(sel, opts) {
      const ms = limit(opts);
      await waiting(page.locator(sel).first().click({ timeout: ms }), ms, `element "${sel}" not found or not clickable`);
    },
    async fill(sel, value, opts) {
      const ms = limit(opts);
      await waiting(page.locator(sel).first().fill(value, { timeout: ms }), ms, `input "${sel}" not found`);
    },
    async press(key, sel, opts) {
      const ms = limit(opts);
      if (sel === undefined) await page.keyboard.press(key);
      else await waiting(page.locator(sel).first().press(key, { timeout: ms }), ms, `element "${sel}" not found`);
    },
    async select(sel, value, opts) {
      const ms = limit(opts);
      const options = await waiting(
        page.locator(sel).first().selectOption(value, { timeout: ms }),
        ms,
        `select "${sel}" with option "${value}" not found`,
      );
      if (options.length === 0) throw new StepFailure(`select "${sel}" has no option "${value}"`, 'assertion');
    },
    async waitFor(sel, state = 'visible', opts) {
      const ms = limit(opts);
      await waiting(page.locator(sel).first().waitFor({ state, timeout: ms }), ms, `element "${sel}" not ${state}`);
    },
    async expectText(text, sel, opts) {
      const ms = limit(opts);
      const scope = sel === undefined ? page.locator('body') : page.locator(sel);
      const where = sel === undefined ? '' : ` in "${sel}"`;
      await waiting(
        scope.getByText(text).first().waitFor({ state: 'visible', timeout: ms }),
        ms,
        `expected text "${text}"${where} not found`,
      );
    },
    async expectVisible(sel, opts) {
      const ms = limit(opts);
      await waiting(page.locator(sel).first().waitFor({ state: 'visible', timeout: ms }), ms, `element "${sel}" not visible`);
    },
    async expectUrl(expected, opts) {
      await expectUrlOn(page, expected, limit(opts));
    },
    expectStatus(status) {
      const allowed = [status].flat();
      if (lastStatus === null) throw new StepFailure('no page was loaded yet, so there is no status to check', 'assertion');
      if (!allowed.includes(lastStatus))
        throw new StepFailure(`expected HTTP status ${allowed.join(' or ')}, got ${lastStatus}`, 'http-status');
    },
  };
}

/** Runs one declarative step with the actions of its page. */
export async function runStep(a: PageActions, s: Step): Promise<void> {
  const opts: ActionOptions = s.timeout === undefined ? {} : { timeoutMs: durationMs(s.timeout) };
  switch (s.action) {
    case 'goto':
      await a.goto(s.url, opts);
      return;
    case 'click':
      return a.click(s.selector, opts);
    case 'fill':
      return a.fill(s.selector, s.value, opts);
    case 'press':
      return a.press(s.key, s.selector, opts);
    case 'select':
      return a.select(s.selector, s.value, opts);
    case 'waitFor':
      return a.waitFor(s.selector, s.state, opts);
    case 'expectText':
      return a.expectText(s.text, s.selector, opts);
    case 'expectVisible':
      return a.expectVisible(s.selector, opts);
    case 'expectUrl':
      return a.expectUrl(s.contains !== undefined ? { contains: s.contains } : { matches: s.matches! }, opts);
    case 'expectStatus':
      return a.expectStatus(s.status);
  }
}
