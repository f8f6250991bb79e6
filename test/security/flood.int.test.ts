/**
 * Appeal floods against a real `kuzet start`, on PostgreSQL and on PGlite (issue #16 item 5): 300
 * appeals about one module from 300 client addresses (behind a trusted proxy on loopback) open one
 * incident with all 300 appeals attached, and the on-call Slack channel gets one thread about it
 * (later posts are replies in it). The per-IP and per-BIN/IIN limits hold whatever the rest of the
 * request says. The 10,000-appeal memory measurement is `npm run bench -- appeal-flood`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, sleep, type Bed } from '../drills/harness.ts';
import { waitFor } from '../support.ts';
import { allIncidents, appealBody, ENGINES, startEngineBed, systemWithModules, validBins } from './engines.ts';

const FLOOD = 300;

for (const engine of ENGINES) {
  describe(`appeal flood (${engine})`, () => {
    let bed: Bed;
    let sys: { id: string; modules: string[] };

    before(async () => {
      bed = await startEngineBed(engine);
      bed.spawnKuzet('start');
      await bed.waitReady(90_000);
      sys = await systemWithModules(bed);
    });
    after(async () => {
      await bed?.close();
    });

    it(`${FLOOD} appeals about one module from ${FLOOD} addresses: one incident, every appeal attached, one Slack thread`, async () => {
      const module = sys.modules[0] as string;
      const bins = validBins(FLOOD, 71_020_300_000);
      const statuses: number[] = [];
      const incidentIds = new Set<string>();
      for (let i = 0; i < FLOOD; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, FLOOD - i) }, (_, j) => {
            const n = i + j;
            return call(bed.url, 'POST', '/api/v1/appeals', {
              body: appealBody({ system: sys.id, module, binIin: bins[n], email: `user${n}@flood.kz`, description: `не работает ${n}` }),
              ip: `100.64.${n >> 8}.${n & 255}`,
            });
          }),
        );
        for (const r of batch) {
          statuses.push(r.status);
          if (r.status === 201) incidentIds.add((r.json as { incidentId: string }).incidentId);
        }
      }
      assert.deepEqual([...new Set(statuses)], [201], `statuses: ${JSON.stringify(statuses.filter((s) => s !== 201).slice(0, 5))}`);
      assert.equal(incidentIds.size, 1);
      const [id] = [...incidentIds] as [string];
      const incidents = await allIncidents(bed);
      assert.deepEqual(
        incidents.map((x) => [x.id, x.system, x.module]),
        [[id, sys.id, module]],
      );
      const inc = await call(bed.url, 'GET', `/api/v1/incidents/${id}`, { token: bed.viewer });
      assert.equal(inc.status, 200, inc.text);
      const body = inc.json as { appeals: unknown[]; appealCount: number; clocks: { timer: string }[]; timeline: { action: string }[] };
      assert.equal(body.appeals.length, FLOOD);
      assert.equal(body.appealCount, FLOOD);
      assert.equal(body.timeline.filter((t) => t.action === 'appeal.attached').length, FLOOD - 1);
      // Each attached appeal answers on its own SLA-P-ID clock.
      assert.equal(body.clocks.filter((c) => /^SLA-P-ID@appeal-\d+$/.test(c.timer)).length, FLOOD - 1);

      // Slack: the registration alert starts the incident's thread; nothing about it is posted outside that thread.
      await waitFor(() => bed.slack.calls.some((c) => String(c.args.text ?? '').includes(id)), {
        timeoutMs: 30_000,
        what: 'the registration alert in Slack',
      });
      await sleep(3_000);
      const about = bed.slack.calls.filter(
        (c) => String(c.args.text ?? '').includes(id) || JSON.stringify(c.args.metadata ?? '').includes(id),
      );
      const parents = about.filter((c) => !c.args.thread_ts);
      assert.equal(
        parents.length,
        1,
        `top-level Slack posts about ${id}: ${parents.map((p) => String(p.args.text).slice(0, 80)).join(' | ')}`,
      );
      for (const c of about) if (c !== parents[0]) assert.equal(c.args.thread_ts, parents[0]?.ts);
      assert.ok(about.length < 10, `${about.length} Slack posts about one incident`);
    });

    it('per-BIN/IIN: the 6th appeal with one BIN/IIN in 10 minutes is a 429 from any address; per-IP: the 11th from one address', async () => {
      const [bin] = validBins(1, 72_030_400_000) as [string];
      const byBin: number[] = [];
      for (let i = 0; i < 6; i++)
        byBin.push((await call(bed.url, 'POST', '/api/v1/appeals', { body: appealBody({ binIin: bin }), ip: `100.65.0.${i + 1}` })).status);
      assert.deepEqual(byBin, [201, 201, 201, 201, 201, 429]);
      const byIp: number[] = [];
      for (let i = 0; i < 11; i++)
        byIp.push((await call(bed.url, 'POST', '/api/v1/appeals', { body: appealBody(), ip: '100.66.0.1' })).status);
      assert.deepEqual(byIp, [...Array(10).fill(201), 429]);
    });
  });
}
