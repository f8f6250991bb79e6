/**
 * Fault kinds of the simulator and what each does to a healthy response. Pure: the server decides
 * when to apply them; `down` and `slow` need the socket and a timer, so only the server handles those.
 */
import { InputError } from '../core/errors.ts';
import { wrongContentPage } from './portal-sim.pages.ts';

export const FAULTS = ['none', 'down', 'slow', 'http-500', 'wrong-content', 'bad-json'] as const;
export type Fault = (typeof FAULTS)[number];

/** Target id that addresses every target at once in `POST /__fault`. */
export const ALL_TARGETS = '*';

/** A response before faults: the simulator renders everything to a string first. */
export interface SimResponse {
  status: number;
  type: 'html' | 'json';
  body: string;
  headers?: Record<string, string>;
}

export function isFault(value: unknown): value is Fault {
  return typeof value === 'string' && (FAULTS as readonly string[]).includes(value);
}

export function json(status: number, value: unknown): SimResponse {
  return { status, type: 'json', body: JSON.stringify(value) };
}

export function html(status: number, body: string): SimResponse {
  return { status, type: 'html', body };
}

/** The response of a target under `http-500` or `wrong-content`; the healthy handler does not run. */
export function brokenResponse(fault: 'http-500' | 'wrong-content', type: SimResponse['type']): SimResponse {
  if (fault === 'http-500') {
    return type === 'json'
      ? json(500, { error: { code: 'internal', message: 'Внутренняя ошибка сервера' } })
      : html(
          500,
          '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>500</title></head><body><h1>500 Internal Server Error</h1></body></html>\n',
        );
  }
  return type === 'json' ? json(200, { result: null, message: 'Сервис на обслуживании' }) : html(200, wrongContentPage());
}

/**
 * The response under `bad-json`: status 200 and the healthy body cut short, so JSON no longer
 * parses and an HTML page ends before its keyword `expect` (or halfway, whichever is first).
 */
export function truncatedResponse(healthy: SimResponse, expect: string): SimResponse {
  const half = Math.max(1, Math.floor(healthy.body.length / 2));
  const at = healthy.type === 'html' ? healthy.body.indexOf(expect) : -1;
  return { ...healthy, status: 200, body: healthy.body.slice(0, at >= 0 ? Math.min(at, half) : half) };
}

/** The body of `POST /__fault`, validated; unknown keys are refused like everywhere in kuzet. */
export function parseFaultBody(body: unknown, targets: readonly string[]): { target: string; fault: Fault } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('body must be a JSON object {"target": "...", "fault": "..."}', 'body');
  }
  const rec = body as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key !== 'target' && key !== 'fault') throw new InputError(`unknown key; allowed keys are target and fault`, key);
  }
  const { target, fault } = rec;
  if (typeof target !== 'string' || (target !== ALL_TARGETS && !targets.includes(target))) {
    throw new InputError(`unknown target ${JSON.stringify(target)}; expected "*" or one of ${targets.join(', ')}`, 'target');
  }
  if (!isFault(fault)) {
    throw new InputError(`unknown fault ${JSON.stringify(fault)}; expected one of ${FAULTS.join(', ')}`, 'fault');
  }
  return { target, fault };
}
