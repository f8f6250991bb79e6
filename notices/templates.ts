/**
 * Notice texts from handlebars files a compliance officer can read and change without code:
 * `notices/templates/<policy>/<phase>.<lang>.hbs`, falling back to `notices/templates/default/`.
 * A template's first line is the title, the rest the body (plain text; HTML outputs escape it).
 * Templates run in strict mode: a misspelt field fails the render with the template name and line,
 * and since every language is rendered before anything is stored, never half a notice.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { KuzetError } from '../core/errors.ts';
import { LANGS, type Lang, type Phase } from './model.ts';
import type { TemplateData } from './content.ts';

export const DEFAULT_TEMPLATE_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

export class TemplateError extends KuzetError {
  readonly template: string;
  readonly line: number | null;
  constructor(template: string, line: number | null, message: string, cause: unknown) {
    super('invalid_input', `template ${template}${line === null ? '' : ` line ${line}`}: ${message}`, {
      field: template,
      status: 422,
      cause,
    });
    this.template = template;
    this.line = line;
  }
}

import type { RenderedNotice, RenderedText } from './langs.ts';
export type { RenderedNotice, RenderedText };

type Compiled = { mtimeMs: number; fn: Handlebars.TemplateDelegate };

export class NoticeTemplates {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  constructor(readonly dir: string = DEFAULT_TEMPLATE_DIR) {}

  /** The template file used for (policy, name, lang), relative to the templates folder. */
  resolve(policy: string, name: string, lang: Lang): string {
    const own = `${policy}/${name}.${lang}.hbs`;
    return existsSync(`${this.dir}/${own}`) ? own : `default/${name}.${lang}.hbs`;
  }

  private compiled(rel: string): Handlebars.TemplateDelegate {
    const path = `${this.dir}/${rel}`;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch (e) {
      throw new TemplateError(rel, null, 'no such template file', e);
    }
    const hit = this.cache.get(rel);
    if (hit && hit.mtimeMs === mtimeMs) return hit.fn;
    const src = readFileSync(path, 'utf8');
    let fn: Handlebars.TemplateDelegate;
    try {
      fn = this.hb.compile(src, { strict: true, noEscape: true });
      // compile is lazy: force the parse now so syntax errors are reported here.
      this.hb.precompile(src, { strict: true });
    } catch (e) {
      throw new TemplateError(rel, lineOf(e), firstLine(e), e);
    }
    this.cache.set(rel, { mtimeMs, fn });
    return fn;
  }

  /** Renders one template to `{title, text}`. */
  renderOne(policy: string, name: string, lang: Lang, data: TemplateData): RenderedText {
    const rel = this.resolve(policy, name, lang);
    const fn = this.compiled(rel);
    let out: string;
    try {
      out = fn(data);
    } catch (e) {
      throw new TemplateError(rel, lineOf(e), firstLine(e), e);
    }
    const normal = out
      .replace(/\r\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    const nl = normal.indexOf('\n');
    const title = (nl < 0 ? normal : normal.slice(0, nl)).trim();
    if (!title) throw new TemplateError(rel, 1, 'the first line (the title) is empty', undefined);
    return { title, text: nl < 0 ? '' : normal.slice(nl + 1).trim() };
  }

  /** Every language of a notice, or a throw: all or nothing. */
  render(policy: string, phase: Phase | string, data: (lang: Lang) => TemplateData): RenderedNotice {
    const out = {} as RenderedNotice;
    for (const lang of LANGS) out[lang] = this.renderOne(policy, phase, lang, data(lang));
    return out;
  }
}

function lineOf(e: unknown): number | null {
  const err = e as { lineNumber?: number; message?: string };
  if (typeof err.lineNumber === 'number') return err.lineNumber;
  const m = /line (\d+)/.exec(err.message ?? '') ?? / - (\d+):\d+/.exec(err.message ?? '');
  return m ? Number(m[1]) : null;
}

function firstLine(e: unknown): string {
  return String((e as Error).message ?? e).split('\n')[0] as string;
}
