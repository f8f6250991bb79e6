/**
 * `npm run drills`: the crash, outage and fuzz drills in full, with their figures printed.
 *   npm run drills                       # everything: 50 kills, 60 s outages, 10,000 fuzz payloads
 *   npm run drills -- crash --kills 10   # one drill, smaller
 * Exit code 1 when a drill finds anything lost, duplicated, a server error or a crash.
 */
import { parseArgs } from 'node:util';
import { runCrashDrill } from './crash.drill.ts';
import { runFuzz } from './fuzz.drill.ts';
import { runOutageDrill } from './outage.drill.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kills: { type: 'string', default: '50' },
    'outage-seconds': { type: 'string', default: '60' },
    'fuzz-runs': { type: 'string', default: '10000' },
    seed: { type: 'string', default: '11' },
    'no-reference': { type: 'boolean', default: false },
  },
});
const which = new Set(positionals.length > 0 ? positionals : ['crash', 'outage', 'fuzz']);
const say = (l: string) => process.stdout.write(`${l}\n`);
let failed = false;

if (which.has('crash')) {
  const r = await runCrashDrill({ kills: Number(values.kills), seed: Number(values.seed), reference: !values['no-reference'], say });
  say(
    `crash drill: lost ${r.lost}, duplicated ${r.duplicated} over ${r.kills} kills (${r.kuzetKills} kuzet, ${r.workerKills} worker); ` +
      `${r.appeals} appeals, ${r.incidents} incidents, ${r.deliveries} deliveries, ${r.receipts} received; journal identical to a run without kills: ${r.journalIdentical ?? 'not compared'}; ` +
      `resent once under the same idempotency key (kill between the channel's answer and the commit) ${r.details.resends.length}; restart median ${r.restartSeconds.median.toFixed(1)} s, max ${r.restartSeconds.max.toFixed(1)} s; kuzet.silent episodes ${r.silentEpisodes}; 5xx ${r.serverErrors}; unhandled ${r.unhandled}; ${r.seconds.toFixed(0)} s`,
  );
  for (const l of [
    ...r.details.lost.map((x) => `  lost: ${x}`),
    ...r.details.duplicated.map((x) => `  duplicated: ${x}`),
    ...r.details.resends.map((x) => `  resent under its key: ${x}`),
  ].slice(0, 40))
    say(l);
  if (r.journalDiff) say(`  journal: ${r.journalDiff}`);
  if (r.lost + r.duplicated + r.serverErrors + r.unhandled > 0 || r.journalIdentical === false) failed = true;
}

if (which.has('outage')) {
  for (const dep of ['redis', 'postgres'] as const) {
    const r = await runOutageDrill(dep, Number(values['outage-seconds']), say);
    say(
      `outage drill (${dep} stopped ${r.seconds} s): ${r.problems.length === 0 ? 'passed' : 'FAILED'}; /healthz ${r.healthz}/${r.polls}, /readyz named it ${r.readyzNamedIt}/${r.polls}, status site served ${r.statusSiteServed}/${r.polls}; ` +
        `results dated inside the outage ${r.resultsInWindow}${dep === 'postgres' ? ` (buffered in Redis at the end: ${r.bufferedAtEnd})` : ''}; caught up ${r.catchUpSeconds.toFixed(1)} s after; kuzet.silent raised: ${r.silentRaised}; crashed: ${r.crashed}; unhandled: ${r.unhandled}`,
    );
    for (const p of r.problems) say(`  problem: ${p}`);
    if (r.problems.length > 0) failed = true;
  }
}

if (which.has('fuzz')) {
  const r = await runFuzz({ runs: Number(values['fuzz-runs']), seed: Number(values.seed), say });
  say(
    `fuzz: ${r.requests} requests over ${r.routes} routes: 5xx ${r.serverErrors.length}, dropped connections ${r.dropped.length}, 400/422 without a field ${r.unnamed4xx.length}; statuses ${JSON.stringify(r.byStatus)}; ` +
      `CLI ${r.cli.runs} runs: unexpected errors ${r.cli.unexpected.length}, bad input without a field ${r.cli.unnamed.length}; lying attachments refused ${r.lyingAttachments.refused}/${r.lyingAttachments.tried}; oversized bodies cut early ${r.oversized.cutEarly}/${r.oversized.tried} (413 read by the client ${r.oversized.saw413}); ${r.seconds.toFixed(0)} s`,
  );
  for (const l of [
    ...r.serverErrors,
    ...r.dropped,
    ...r.unnamed4xx,
    ...r.cli.unexpected,
    ...r.cli.unnamed,
    ...r.lyingAttachments.accepted,
    ...r.oversized.problems,
    ...r.oversized.notes,
  ].slice(0, 30))
    say(`  ${l}`);
  if (
    r.serverErrors.length +
      r.dropped.length +
      r.unnamed4xx.length +
      r.cli.unexpected.length +
      r.cli.unnamed.length +
      r.lyingAttachments.accepted.length +
      r.oversized.problems.length >
    0
  )
    failed = true;
}

process.exit(failed ? 1 : 0);
