/**
 * `npm run bench`: every benchmark of kuzet in one run, figures and ratios printed as they come.
 * `npm run bench -- rules` runs only the named ones.
 */
import { benchAppealFlood } from './appeal-flood.bench.ts';
import { benchBrowser } from './browser.bench.ts';
import { benchIncidents } from './incidents.bench.ts';
import { benchJournal } from './journal.bench.ts';
import { benchPipeline } from './pipeline.bench.ts';
import { benchPipelineCost } from './pipeline-cost.bench.ts';
import { benchRules } from './rules.bench.ts';
import { benchSchedulingDesigns } from './scheduling-designs.bench.ts';
import { benchStartup } from './startup.bench.ts';
import { benchStatus } from './status.bench.ts';

const BENCHES: Record<string, () => Promise<Record<string, string | number>>> = {
  rules: benchRules,
  pipeline: benchPipeline,
  'pipeline-cost': benchPipelineCost,
  'scheduling-designs': benchSchedulingDesigns,
  browser: benchBrowser,
  incidents: benchIncidents,
  journal: benchJournal,
  status: benchStatus,
  startup: benchStartup,
  'appeal-flood': () => benchAppealFlood('postgres'),
  'appeal-flood-pglite': () => benchAppealFlood('pglite'),
};

const wanted = process.argv.slice(2);
for (const [name, fn] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stdout.write(`\n== ${name}\n`);
  try {
    const figures = await fn();
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(40)} ${v}\n`);
  } catch (e) {
    process.stdout.write(`${name} failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
process.exit();
