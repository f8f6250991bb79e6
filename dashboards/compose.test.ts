/**
 * docker-compose.yml checked without Docker (no engine nor compose plugin on this machine): its
 * structure, the volumes and services it references, health checks, every variable documented in
 * .env.example, and the generated files it mounts; plus the compose kuzet config passes kuzet's own
 * config validation; and a compose client's own `config` (interpolation, schema, merge keys) where
 * one is installed: the `docker compose` plugin when the Docker client has it (the docker 28 client
 * here has none), else Debian's `docker-compose` 1.29 (`apt-get install docker-compose`), which
 * predates the top-level `name:` and so checks a copy without that one line. Whether the images
 * build and start is NOT verified here: no Docker engine runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { buildAll, OUTPUT_PATHS } from './build.ts';

const root = new URL('..', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
type Service = {
  image?: string;
  build?: string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  command?: string[];
  environment?: Record<string, string>;
};
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('runs the whole stack', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [
      'alertmanager',
      'generate',
      'grafana',
      'influxdb',
      'kuzet',
      'postgres',
      'prometheus',
      'redis',
      'worker',
    ]);
    assert.match(compose.services.influxdb!.image!, /^influxdb:2\./);
  });

  it('every long-running service has a health check and every dependency is a service', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name !== 'generate') assert.ok(s.healthcheck, `${name} has no healthcheck`);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        assert.ok(compose.services[dep], `${name} depends on unknown ${dep}`);
        if (condition === 'service_healthy')
          assert.ok(compose.services[dep]!.healthcheck, `${name} waits for ${dep} to be healthy, which has no healthcheck`);
      }
    }
  });

  it('uses only named volumes it declares, and bind-mounts only files that exist', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('./')) assert.doesNotThrow(() => read(source), `${name} mounts missing ${source}`);
        else assert.ok(source in compose.volumes, `${name} uses undeclared volume ${source}`);
      }
    }
  });

  it('documents every variable it reads in .env.example', () => {
    const used = new Set([...read('docker-compose.yml').matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const documented = new Set([...read('.env.example').matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    const optionalPorts = /_PORT$|^PROMETHEUS_RETENTION$/;
    const missing = [...used].filter((v) => !documented.has(v) && !optionalPorts.test(v));
    assert.deepEqual(missing, []);
  });

  it('points Grafana and Prometheus at the files the generator writes', () => {
    const out = buildAll({ kuzetConfig: read('kuzet.yaml') });
    const grafana = compose.services.grafana!;
    assert.equal(grafana.environment!.GF_PATHS_PROVISIONING, '/kuzet/provisioning');
    assert.ok(out.files.has(OUTPUT_PATHS.datasources));
    assert.ok(out.files.has(grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!.replace('/kuzet/', '')));
    const prom = parse(read('deploy/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    assert.deepEqual(prom.rule_files, [`/kuzet/${OUTPUT_PATHS.rules.replace(/[^/]+$/, '*.yml')}`]);
    assert.equal(prom.scrape_configs[0]!.static_configs[0]!.targets[0], 'kuzet:8080');
    assert.ok(compose.services.kuzet!.command!.includes(`/kuzet/${OUTPUT_PATHS.kuzetConfig}`));
  });

  it('the compose kuzet config passes kuzet’s own validation', () => {
    const text = buildAll({ kuzetConfig: read('kuzet.yaml'), regions: ['astana', 'almaty'] }).files.get(OUTPUT_PATHS.kuzetConfig)!;
    const cfg = parseConfig(text, PROBES, { INFLUX_TOKEN: 't', REDIS_URL: 'redis://redis:6379' });
    assert.deepEqual(
      [cfg.influx?.url, cfg.influx?.bucket, cfg.regions, cfg.server.host],
      ['http://influxdb:8086', 'kuzet', ['astana', 'almaty'], '0.0.0.0'],
    );
  });

  it('alertmanager routes to Slack with the webhook from a file', () => {
    const am = parse(read('deploy/alertmanager.yml')) as {
      global: Record<string, string>;
      route: { receiver: string };
      receivers: { name: string; slack_configs?: unknown[] }[];
    };
    assert.equal(am.global.slack_api_url_file, '/tmp/slack_webhook_url');
    const receiver = am.receivers.find((r) => r.name === am.route.receiver);
    assert.ok(receiver?.slack_configs?.length);
  });

  /** The compose client available here: the plugin (`docker compose`), else Debian's v1 `docker-compose`, else none. */
  const client = (() => {
    if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0)
      return { cmd: 'docker', args: ['compose'], v1: false };
    if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return { cmd: 'docker-compose', args: [], v1: true };
    return undefined;
  })();

  it(
    'a compose client’s own `config` accepts the file with .env.example, and refuses it without the secrets',
    { skip: client ? false : 'no compose client installed (neither the docker compose plugin nor Debian docker-compose)' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'kuzet-compose-'));
      try {
        const text = read('docker-compose.yml');
        writeFileSync(join(dir, 'docker-compose.yml'), client!.v1 ? text.replace(/^name: kuzet\n/m, '') : text);
        mkdirSync(join(dir, 'deploy'));
        cpSync(new URL('deploy', root), join(dir, 'deploy'), { recursive: true });
        const run = (envFile: string, ...extra: string[]) =>
          spawnSync(client!.cmd, [...client!.args, '--env-file', envFile, '-p', 'kuzet', 'config', ...extra], {
            cwd: dir,
            encoding: 'utf8',
          });
        writeFileSync(join(dir, '.env'), read('.env.example'));
        const ok = run('.env');
        assert.equal(ok.status, 0, ok.stderr);
        const resolved = parse(ok.stdout) as {
          services: Record<string, { ports?: { published: number | string; target: number }[]; environment?: Record<string, string> }>;
          volumes: Record<string, unknown>;
        };
        assert.deepEqual(Object.keys(resolved.services).sort(), Object.keys(compose.services).sort());
        assert.deepEqual(Object.keys(resolved.volumes).sort(), Object.keys(compose.volumes).sort());
        // What opens where (the README's table): kuzet 8080, Grafana 3000, Prometheus 9090, Alertmanager 9093, InfluxDB 8086.
        const published = Object.fromEntries(
          Object.entries(resolved.services).flatMap(([n, s]) => (s.ports ?? []).map((p) => [n, Number(p.published)])),
        );
        assert.deepEqual(published, { alertmanager: 9093, grafana: 3000, influxdb: 8086, kuzet: 8080, prometheus: 9090 });
        assert.equal(resolved.services.kuzet!.environment!.DATABASE_URL, 'postgres://kuzet:change-me@postgres:5432/kuzet');
        writeFileSync(join(dir, 'empty.env'), '');
        const refused = run('empty.env');
        assert.notEqual(refused.status, 0);
        assert.match(refused.stderr, /set POSTGRES_PASSWORD in \.env/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
