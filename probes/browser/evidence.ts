/**
 * What a run saw besides pass/fail: console errors, failed requests and the page's Web Vitals,
 * read from the browser's own Performance API (no web-vitals library is injected into the portal).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface WebVitals {
  /** Largest Contentful Paint, ms after navigation start; null before any paint. */
  lcp: number | null;
  /** Cumulative Layout Shift (unitless), shifts without recent input. */
  cls: number | null;
  /** Time to First Byte of the last navigation, ms. */
  ttfb: number | null;
}

export interface FailedRequest {
  url: string;
  method: string;
  /** HTTP status for a 4xx/5xx answer; absent when there was no answer. */
  status?: number;
  error?: string;
}

/** Caps keep one noisy page from filling the results table. */
const MAX_ITEMS = 20;
const MAX_TEXT = 300;

/**
 * Registered before the first navigation of every page: observers with `buffered: true` collect
 * LCP and CLS from the start. The Performance API keeps no CLS total itself, hence the sum here.
 */
const VITALS_INIT = `(() => {
  const v = { lcp: null, cls: 0 };
  Object.defineProperty(window, '__kuzetVitals', { value: v, enumerable: false });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) v.lcp = e.renderTime || e.loadTime || e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) v.cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {}
})();`;

export class EvidenceCollector {
  readonly consoleErrors: string[] = [];
  readonly failedRequests: FailedRequest[] = [];

  /** Installs the listeners on the context, so popups and new tabs are covered too. */
  async attach(context: BrowserContext): Promise<void> {
    await context.addInitScript(VITALS_INIT);
    context.on('page', (page) => this.watch(page));
    context.on('requestfailed', (req) => {
      if (isFavicon(req.url())) return;
      this.pushRequest({ url: req.url(), method: req.method(), error: req.failure()?.errorText ?? 'failed' });
    });
    context.on('response', (res) => {
      if (res.status() >= 400 && !isFavicon(res.url()))
        this.pushRequest({ url: res.url(), method: res.request().method(), status: res.status() });
    });
  }

  private watch(page: Page): void {
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !isFavicon(msg.location().url)) this.pushConsole(msg.text());
    });
    page.on('pageerror', (err) => this.pushConsole(`uncaught: ${err.message}`));
  }

  private pushConsole(text: string): void {
    if (this.consoleErrors.length < MAX_ITEMS) this.consoleErrors.push(text.slice(0, MAX_TEXT));
  }

  private pushRequest(r: FailedRequest): void {
    if (this.failedRequests.length < MAX_ITEMS) this.failedRequests.push({ ...r, url: r.url.slice(0, MAX_TEXT) });
  }
}

/** Reads the vitals of `page`'s current document; nulls when the page is gone or never navigated. */
export async function readVitals(page: Page, timeoutMs = 2_000): Promise<WebVitals> {
  const none: WebVitals = { lcp: null, cls: null, ttfb: null };
  if (page.isClosed()) return none;
  const reading = page
    .evaluate(async () => {
      // One frame, so a paint that just happened has its LCP entry delivered.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const w = window as unknown as { __kuzetVitals?: { lcp: number | null; cls: number } };
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const lcpEntries = performance.getEntriesByType('largest-contentful-paint') as Array<
        PerformanceEntry & { renderTime?: number; loadTime?: number }
      >;
      const lastLcp = lcpEntries[lcpEntries.length - 1];
      const lcp = w.__kuzetVitals?.lcp ?? (lastLcp ? lastLcp.renderTime || lastLcp.loadTime || lastLcp.startTime : null);
      return {
        lcp,
        cls: w.__kuzetVitals ? w.__kuzetVitals.cls : null,
        ttfb: nav && nav.responseStart > 0 ? nav.responseStart : null,
      };
    })
    .catch(() => none);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<WebVitals>((resolve) => {
    timer = setTimeout(() => resolve(none), timeoutMs);
  });
  const v = await Promise.race([reading, timeout]).finally(() => clearTimeout(timer));
  return { lcp: round(v.lcp), cls: v.cls === null ? null : Math.round(v.cls * 10_000) / 10_000, ttfb: round(v.ttfb) };
}

/** Browsers ask every site for a favicon unprompted; its 404 says nothing about the journey. */
function isFavicon(url: string): boolean {
  return /\/favicon\.ico(\?|$)/.test(url);
}

function round(ms: number | null): number | null {
  return ms === null || !Number.isFinite(ms) ? null : Math.round(ms * 10) / 10;
}
