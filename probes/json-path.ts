/*
 * A small JSONPath subset, written here on purpose: `$`, `.name`, `['name']` / `["name"]`, `[0]`, `[-1]`,
 * and the wildcards `.*` / `[*]`. The common libraries (jsonpath, jsonpath-plus) also evaluate filter
 * scripts `?(...)` through eval or vm — not something to run from a config file — and are not
 * dependencies. Paths are parsed once while the config is validated, so a typo is a config error.
 */

export type PathSegment = { key: string } | { index: number } | { wildcard: true };

const NAME = /^[A-Za-z_$][\w$-]*/;

/** Parses a path, or throws an Error whose message says where it went wrong. */
export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new Error('a JSONPath starts with "$"');
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    const [segment, consumed] = readSegment(rest);
    if (segment === undefined) throw new Error(`cannot read "${rest}" at position ${path.length - rest.length}`);
    segments.push(segment);
    rest = rest.slice(consumed);
  }
  return segments;
}

function readSegment(rest: string): [PathSegment | undefined, number] {
  if (rest.startsWith('.*')) return [{ wildcard: true }, 2];
  if (rest.startsWith('[*]')) return [{ wildcard: true }, 3];
  if (rest.startsWith('.')) {
    const name = NAME.exec(rest.slice(1))?.[0];
    return [name === undefined ? undefined : { key: name }, 1 + (name?.length ?? 0)];
  }
  const index = /^\[(-?\d+)\]/.exec(rest);
  if (index) return [{ index: Number(index[1]) }, index[0].length];
  const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
  if (quoted) return [{ key: (quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1') }, quoted[0].length];
  return [undefined, 0];
}

/** Every value the path selects; empty when nothing matches. */
export function evaluateJsonPath(segments: PathSegment[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) current = current.flatMap((value) => step(segment, value));
  return current;
}

function step(segment: PathSegment, value: unknown): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  if ('wildcard' in segment) return Object.values(value);
  if ('index' in segment) {
    if (!Array.isArray(value)) return [];
    const i = segment.index < 0 ? value.length + segment.index : segment.index;
    return i >= 0 && i < value.length ? [value[i]] : [];
  }
  if (Array.isArray(value) || !Object.hasOwn(value, segment.key)) return [];
  return [(value as Record<string, unknown>)[segment.key]];
}

/** True when the path can select more than one value. */
export function isMultiPath(segments: PathSegment[]): boolean {
  return segments.some((s) => 'wildcard' in s);
}
