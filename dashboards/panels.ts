/**
 * Dashboards as data: a board is sections of panel specs; each spec builds its panel from catalogue
 * names. {@link renderBoard} turns specs into Grafana JSON with the foundation SDK, lays panels out on
 * the 24-column grid itself (the SDK's auto-layout lets a panel run past column 24), numbers panel ids,
 * and sets aside every panel whose metric is not in the catalogue yet.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  MappingType,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
  type RowPanel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { MetricNames, MissingMetric } from './catalogue.ts';
import type { FluxQueryBuilder } from './flux.ts';
import { WANTED_METRICS, type PendingItem, type WantedKey } from './pending.ts';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'kuzet-prometheus' };
export const INFLUXDB: DataSourceRef = { type: 'influxdb', uid: 'kuzet-influxdb' };
export const GRID_COLUMNS = 24;

/**
 * What a Prometheus query should return on a freshly started kuzet (the integration test holds it):
 * `data` always; `after-failure` once a check has failed; `maybe` may be empty (a quiet system).
 */
export type Expect = 'data' | 'after-failure' | 'maybe';

export interface PromQuery {
  expr: string;
  legend?: string;
  /** One value per series (stat, table, bar gauge). */
  instant?: boolean;
  expect: Expect;
}
export interface FluxQuery {
  flux: FluxQueryBuilder;
}
export type Query = PromQuery | FluxQuery;
export const isProm = (q: Query): q is PromQuery => 'expr' in q;

export type Color = 'green' | 'yellow' | 'orange' | 'red' | 'blue' | 'text';
export interface PanelDef {
  viz: 'timeseries' | 'stat' | 'table' | 'bargauge';
  w: number;
  h: number;
  description: string;
  queries: Query[];
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  /** Base colour first (value null), then steps upward. */
  thresholds?: [Color, number | null][];
  /** Draw the thresholds on a time series (NTP offsets, latency budgets). */
  showThresholds?: boolean;
  /** A fixed range for this panel, whatever the dashboard's picker says (e.g. `30d`). */
  timeFrom?: string;
  stack?: boolean;
  /** Values shown as words (1 → up). */
  mappings?: Record<string, { text: string; color: Color }>;
}
export interface PanelSpec {
  title: string;
  build(m: MetricNames): PanelDef;
}
export interface SectionSpec {
  title: string;
  panels: PanelSpec[];
}
export type VariableName = 'system' | 'target' | 'region';
export interface BoardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: VariableName[];
  sections: SectionSpec[];
  /** Default time range, e.g. `now-6h`. */
  from?: string;
  refresh?: string;
}

/** A rendered board: the JSON, the queries it runs and the panels waiting for metrics. */
export interface RenderedBoard {
  spec: BoardSpec;
  json: Dashboard;
  promQueries: { panel: string; query: PromQuery }[];
  fluxQueries: { panel: string; flux: string }[];
  variableQueries: { name: VariableName; query: string }[];
  pending: PendingItem[];
}

const VARIABLES: Record<VariableName, { label: string; query: (m: MetricNames) => string }> = {
  system: { label: 'System', query: (m) => `label_values(${m.name('checkUp')}, system)` },
  target: { label: 'Target', query: (m) => `label_values(${m.name('checkUp')}{system=~"$system"}, target)` },
  region: { label: 'Region', query: (m) => `label_values(${m.name('checkUp')}{system=~"$system"}, region)` },
};

/** Matchers for the board's variables, for a metric carrying these labels. */
export function selector(labels: readonly VariableName[] = ['system', 'target', 'region'], extra = ''): string {
  const parts = labels.map((l) => `${l}=~"$${l}"`);
  if (extra) parts.push(extra);
  return `{${parts.join(', ')}}`;
}

function thresholdsOf(steps: [Color, number | null][]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([color, value]) => ({ color, value })));
}

function promTarget(q: PromQuery, refId: string): DataqueryBuilder {
  const b = new DataqueryBuilder().refId(refId).datasource(PROMETHEUS).expr(q.expr);
  if (q.legend) b.legendFormat(q.legend);
  if (q.instant) b.instant().format(PromQueryFormat.Table);
  else b.range();
  return b;
}

function vizPanel(title: string, d: PanelDef) {
  const legend = new common.VizLegendOptionsBuilder()
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .showLegend(true);
  const reduce = new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
  switch (d.viz) {
    case 'timeseries': {
      const p = new timeseries.PanelBuilder()
        .legend(legend)
        .lineWidth(1)
        .fillOpacity(d.stack ? 30 : 0)
        .showPoints(common.VisibilityMode.Never)
        .spanNulls(false);
      if (d.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
      if (d.showThresholds) p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
      return p;
    }
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(reduce)
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName);
    case 'bargauge':
      return new bargauge.PanelBuilder()
        .reduceOptions(reduce)
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .orientation(common.VizOrientation.Horizontal);
    case 'table':
      return new table.PanelBuilder().filterable(true);
  }
}

/** Places panels left to right, wrapping when the next would pass column 24. */
export class GridCursor {
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  next(w: number, h: number): { x: number; y: number; w: number; h: number } {
    if (w < 1 || w > GRID_COLUMNS) throw new Error(`panel width ${w} is outside 1..${GRID_COLUMNS}`);
    if (this.x + w > GRID_COLUMNS) this.newLine();
    const pos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return pos;
  }
  newLine(): void {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
  /** A full-width row header. */
  row(): { x: number; y: number; w: number; h: number } {
    if (this.x > 0) this.newLine();
    const pos = { x: 0, y: this.y, w: GRID_COLUMNS, h: 1 };
    this.y += 1;
    return pos;
  }
}

function pendingItem(board: string, title: string, e: MissingMetric): PendingItem {
  const wanted = WANTED_METRICS[e.key as WantedKey] as { what: string; note?: string } | undefined;
  return {
    kind: 'panel',
    name: `${board} / ${title}`,
    key: e.key,
    reason: e.reason,
    what: wanted?.what ?? 'a metric the catalogue lacks',
    ...(wanted?.note ? { note: wanted.note } : {}),
  };
}

/** A board's template variable (multi-valued, All by default); its query is recorded for the query tests. */
function boardVariable(name: BoardSpec['variables'][number], m: MetricNames, out: RenderedBoard): QueryVariableBuilder {
  const v = VARIABLES[name];
  const query = v.query(m);
  out.variableQueries.push({ name, query });
  return new QueryVariableBuilder(name)
    .label(v.label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

export function renderBoard(spec: BoardSpec, m: MetricNames = new MetricNames()): RenderedBoard {
  const out: RenderedBoard = { spec, json: {} as Dashboard, promQueries: [], fluxQueries: [], variableQueries: [], pending: [] };
  const dash = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['kuzet', ...spec.tags])
    .timezone('Asia/Almaty')
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    .refresh(spec.refresh ?? '30s')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
  for (const name of spec.variables) dash.withVariable(boardVariable(name, m, out));
  const json = dash.build();
  const panels: (Panel | RowPanel)[] = [];
  const grid = new GridCursor();
  let id = 1;
  for (const section of spec.sections) {
    const built: { title: string; def: PanelDef }[] = [];
    for (const p of section.panels) {
      try {
        built.push({ title: p.title, def: p.build(m) });
      } catch (e) {
        if (!(e instanceof MissingMetric)) throw e;
        out.pending.push(pendingItem(spec.title, p.title, e));
      }
    }
    if (built.length === 0) continue;
    panels.push({ type: 'row', title: section.title, id: id++, collapsed: false, gridPos: grid.row(), panels: [] });
    for (const { title, def } of built) {
      const p = vizPanel(title, def).id(id++).title(title).description(def.description).gridPos(grid.next(def.w, def.h));
      if (def.unit) p.unit(def.unit);
      if (def.min !== undefined) p.min(def.min);
      if (def.max !== undefined) p.max(def.max);
      if (def.decimals !== undefined) p.decimals(def.decimals);
      if (def.thresholds) p.thresholds(thresholdsOf(def.thresholds));
      if (def.timeFrom) p.timeFrom(def.timeFrom);
      if (def.mappings)
        p.mappings([
          {
            type: MappingType.ValueToText,
            options: Object.fromEntries(Object.entries(def.mappings).map(([k, v], index) => [k, { ...v, index }])),
          },
        ]);
      const proms = def.queries.filter(isProm);
      const fluxes = def.queries.filter((q): q is FluxQuery => !isProm(q));
      if (proms.length > 0 && fluxes.length > 0) throw new Error(`${spec.title} / ${title}: one data source per panel`);
      p.datasource(fluxes.length > 0 ? INFLUXDB : PROMETHEUS);
      def.queries.forEach((q, i) => {
        const refId = String.fromCharCode(65 + i);
        if (isProm(q)) {
          p.withTarget(promTarget(q, refId));
          out.promQueries.push({ panel: title, query: q });
        } else {
          p.withTarget(q.flux.refId(refId).datasource(INFLUXDB));
          out.fluxQueries.push({ panel: title, flux: q.flux.flux() });
        }
      });
      panels.push(p.build());
    }
  }
  if (out.pending.length > 0) {
    const list = out.pending
      .map((p) => `- **${p.name.split(' / ')[1]}** — waits for \`METRIC_CATALOGUE.${p.key}\`: ${p.what} (${p.reason})`)
      .join('\n');
    const note = new text.PanelBuilder()
      .id(id++)
      .title('Not yet available')
      .transparent(true)
      .mode(text.TextMode.Markdown)
      .content(`These panels appear when kuzet exports their metrics (see \`dashboards/pending.ts\`):\n\n${list}`)
      .gridPos({ ...grid.row(), h: Math.min(12, 3 + out.pending.length) });
    panels.push(note.build());
  }
  json.panels = panels;
  json.templating = { list: json.templating?.list ?? [] };
  json.annotations = { list: [builtInAnnotation()] };
  out.json = json;
  return out;
}

/** Grafana's own "Annotations & Alerts" entry, which an imported dashboard otherwise lacks. */
function builtInAnnotation() {
  return {
    builtIn: 1,
    datasource: { type: 'grafana', uid: '-- Grafana --' },
    enable: true,
    hide: true,
    iconColor: 'rgba(0, 211, 255, 1)',
    name: 'Annotations & Alerts',
    type: 'dashboard',
  };
}
