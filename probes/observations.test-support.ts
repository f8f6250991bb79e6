/**
 * For the probe tests: runs a check as `runCheck` does and fails the test when what the probe observed
 * does not parse with its own observation schema — as produced, and after the JSON trip through Redis and
 * the database. Every probe test that runs a real server goes through it, so each kind's real outputs
 * (passes and failures) are held to the type its readers import.
 */
import assert from 'node:assert/strict';
import { runCheck } from './runner.ts';
import type { CheckResult, Probe } from './types.ts';

export function assertObserves(probe: Pick<Probe, 'kind' | 'observation'>, observations: unknown): void {
  if (observations === undefined) return;
  for (const [form, value] of [
    ['as produced', observations],
    ['after JSON', JSON.parse(JSON.stringify(observations)) as unknown],
  ] as const) {
    const parsed = probe.observation.safeParse(value);
    assert.ok(
      parsed.success,
      `${probe.kind} observed what its schema refuses (${form}): ${parsed.error?.message}\n${JSON.stringify(value)}`,
    );
  }
}

export async function runChecked(...args: Parameters<typeof runCheck>): Promise<CheckResult> {
  const result = await runCheck(...args);
  assertObserves(args[0], result.observations);
  return result;
}
