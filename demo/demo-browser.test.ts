/** `kuzet demo` without a browser says so first, in one line with the fix (issue #16 item 9). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoConfigYaml } from './run.ts';
import { parseConfig } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { tempDir } from '../test/support.ts';
import { checkBrowserOnly, demoBrowserNotice } from '../cli/doctor.ts';

describe('demo browser notice', () => {
  const dir = tempDir('kuzet-demo-browser-');
  const config = parseConfig(
    demoConfigYaml('http://127.0.0.1:1', {
      dataDir: join(dir.path, 'data'),
      artifactsDir: join(dir.path, 'artifacts'),
      intervalSeconds: 30,
      redisPrefix: 'kz-demo-browser-test',
      port: 0,
    }),
    PROBES,
    {},
  );

  it('no Chromium anywhere: one line, what happens instead, and the fix', async () => {
    const line = demoBrowserNotice(
      await checkBrowserOnly({ config, systemChromiums: [join(dir.path, 'no-chromium')], npmChromiumDir: join(dir.path, 'no-package') }),
    );
    assert.ok(line);
    assert.doesNotMatch(line, /\n/);
    assert.match(
      line,
      /^no browser for the demo's journey \(search-journey shows unknown and raises kuzet\.probe-error, never a portal incident\): .*; fix: .*(npm install|apt-get install -y chromium)/,
    );
  });

  it('a browser found: nothing to say', () => {
    assert.equal(demoBrowserNotice({ name: 'browser', status: 'ok', detail: 'journeys use /usr/bin/chromium (system)' }), undefined);
    dir.remove();
  });
});
