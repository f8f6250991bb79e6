/**
 * `npm run dashboards [-- --out DIR]`: writes the dashboards, Grafana provisioning and Prometheus
 * rules (dashboards/build by default), then reports the panels and rules still waiting for metrics.
 * In the compose stack it also derives kuzet's config (`--kuzet-config kuzet.yaml`).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll, type BuildOptions } from './build.ts';
import { formatPending } from './pending.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: new URL('./build', import.meta.url).pathname },
    'prometheus-url': { type: 'string' },
    'influx-url': { type: 'string' },
    'dashboards-path': { type: 'string' },
    'grafana-url': { type: 'string' },
    'kuzet-config': { type: 'string' },
    regions: { type: 'string' },
  },
  strict: true,
});

const out = resolve(values.out);
const opts: BuildOptions = {
  ...(values['prometheus-url'] ? { prometheusUrl: values['prometheus-url'] } : {}),
  ...(values['influx-url'] ? { influxUrl: values['influx-url'] } : {}),
  ...(values['dashboards-path'] ? { dashboardsPath: values['dashboards-path'] } : {}),
  ...(values['grafana-url'] ? { grafanaUrl: values['grafana-url'] } : {}),
  ...(values['kuzet-config'] ? { kuzetConfig: readFileSync(values['kuzet-config'], 'utf8') } : {}),
  ...(values.regions
    ? {
        regions: values.regions
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      }
    : {}),
};
const built = buildAll(opts);
// Stale files from an earlier run (a renamed dashboard) would still be provisioned: start clean.
// The folder's contents, not the folder: in the compose stack it is a volume's mount point.
mkdirSync(out, { recursive: true });
for (const entry of readdirSync(out)) rmSync(join(out, entry), { recursive: true, force: true });
for (const [rel, content] of built.files) {
  const path = join(out, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
const panels = built.boards.reduce((n, b) => n + b.promQueries.length + b.fluxQueries.length, 0);
console.log(
  `wrote ${built.boards.length} dashboards (${built.boards.map((b) => `${b.spec.uid}: ${b.json.panels?.filter((p) => p.type !== 'row' && p.type !== 'text').length} panels`).join(', ')}), ${built.rules.rules.length} alert rules, ${panels} queries to ${out}`,
);
console.log(formatPending(built.pending));
