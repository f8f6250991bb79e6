/**
 * A small PromQL reader: the metric names an expression selects. Used to check generated expressions
 * against the catalogue (at generation) and against a real scrape (in the tests). It does not parse
 * PromQL — Prometheus does that in the integration test — it only removes what cannot be a metric name.
 */

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings (matcher values, legends)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_:]*\}?/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:])(\s*\()?/g)) {
    const [, id, call] = m;
    if (call || !id || KEYWORDS.has(id.toLowerCase())) continue;
    names.add(id);
  }
  return [...names].sort();
}

/** The label names an expression filters or groups by (matchers and `by`/`without` lists). */
export function labelNamesIn(expr: string): string[] {
  const labels = new Set<string>();
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const [, body] of noStrings.matchAll(/\{([^}]*)\}/g))
    for (const [, l] of body!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(l!);
  for (const [, body] of noStrings.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    for (const l of body!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      labels.add(l);
  return [...labels].sort();
}

/** Grafana's variables replaced by what Prometheus accepts, to run a dashboard query outside Grafana. */
export function withGrafanaDefaults(expr: string, values: Record<string, string> = {}): string {
  const builtins: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h', __range_s: '3600', ...values };
  return expr.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a: string | undefined, b: string | undefined) => builtins[(a ?? b)!] ?? '.*',
  );
}

/** The series selector of a Grafana `label_values(selector, label)` variable query, and its label. */
export function labelValuesParts(query: string): { selector: string; label: string } {
  const m = /^label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(query.trim());
  if (!m) throw new Error(`not a label_values() query: ${query}`);
  return { selector: m[1]!, label: m[2]! };
}
