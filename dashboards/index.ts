/** The face of dashboards/: Grafana dashboards and Prometheus alert rules built from the metric catalogue. */
export { BOARDS, OUTPUT_PATHS, buildAll, checkNames, composeKuzetConfig, type BuildOptions, type BuildOutput } from './build.ts';
export {
  INFLUX_MEASUREMENTS,
  KUZET_CATALOGUE,
  MetricNames,
  MissingMetric,
  SCRAPE_UP,
  type Catalogue,
  type CatalogueEntry,
  type MetricKey,
} from './catalogue.ts';
export { FluxQueryBuilder, flux, type FluxDataquery } from './flux.ts';
export {
  GRID_COLUMNS,
  INFLUXDB,
  PROMETHEUS,
  renderBoard,
  type BoardSpec,
  type Expect,
  type PanelSpec,
  type PromQuery,
  type RenderedBoard,
} from './panels.ts';
export { WANTED_METRICS, formatPending, type PendingItem } from './pending.ts';
export { labelNamesIn, labelValuesParts, metricNamesIn, withGrafanaDefaults } from './promql.ts';
export { KUZET_SCRAPE_JOB, RULES, renderRules, type AlertRule, type RenderedRules } from './rules.ts';
export { THRESHOLDS } from './thresholds.ts';
