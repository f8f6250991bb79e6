/** The `systems.<id>.etp` config block and the registry entry it seeds, pure; invalid configs paired with their messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../core/errors.ts';
import { parseConfig } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { etpFromConfig, etpJson } from './registry.ts';

const etpYaml = (extra: string) =>
  `systems:\n  etp-a:\n    name: ЭТП А\n    kind: etp\n    policy: etp-em\n    owners: [{ name: ТОО А, email: a@etp.kz }, { name: Второй владелец }]\n    contacts: [{ name: Дежурный, phone: "1414" }]\n    targets:\n      - { id: orders-api, module: orders, service: orders }\n      - { id: prices, service: prices }\n      - { id: home }\n${extra}`;

test('a config ETP seeds its registry entry: owner first, then contacts; services from targets that name one', () => {
  const cfg = parseConfig(
    etpYaml(
      '    etp: { domain: a.kz, ips: [10.0.0.1], state: test, stateSince: "2026-01-05T09:00:00+05:00", authRotations: ["2026-02-01"] }\n',
    ),
    PROBES,
    {},
  );
  const e = etpJson(etpFromConfig('etp-a', cfg.systems['etp-a']!));
  assert.deepEqual(e, {
    id: 'etp-a',
    name: 'ЭТП А',
    owner: {
      name: 'ТОО А',
      contacts: [{ name: 'ТОО А', email: 'a@etp.kz' }, { name: 'Дежурный', phone: '1414' }, { name: 'Второй владелец' }],
    },
    domain: 'a.kz',
    ips: ['10.0.0.1'],
    services: [
      { service: 'orders', target: 'orders-api' },
      { service: 'prices', target: 'prices' },
    ],
    connection: { state: 'test', since: '2026-01-05T09:00:00+05:00' },
    authRotations: ['2026-02-01'],
    minFailureMinutes: 1,
    source: 'config',
    version: 1,
  });
  // Without the block: productive, since unknown.
  assert.deepEqual(etpJson(etpFromConfig('etp-a', parseConfig(etpYaml(''), PROBES, {}).systems['etp-a']!)).connection, {
    state: 'productive',
    since: null,
  });
});

test('invalid etp blocks, each with its exact message', () => {
  const cases: [string, string][] = [
    [etpYaml('    etp: { ips: [10.0.0.256] }\n'), 'systems.etp-a.etp.ips[0]: expected an IPv4 or IPv6 address'],
    [etpYaml('    etp: { state: paused }\n'), 'systems.etp-a.etp.state'],
    [etpYaml('    etp: { stateSince: "2026-01-05" }\n'), 'systems.etp-a.etp.stateSince: expected an ISO 8601 date-time with offset'],
    [etpYaml('    etp: { authRotations: ["01.02.2026"] }\n'), 'systems.etp-a.etp.authRotations[0]: expected a date YYYY-MM-DD'],
    [etpYaml('    etp: { colour: red }\n'), 'systems.etp-a.etp'],
    [
      'systems:\n  portal: { name: P, kind: portal, policy: portal-692, etp: { domain: p.kz } }\n',
      'systems.portal.etp: only for systems of kind "etp"',
    ],
  ];
  for (const [yaml, message] of cases) {
    assert.throws(
      () => parseConfig(yaml, PROBES, {}),
      (e: unknown) => e instanceof ConfigError && e.issues.some((i) => `${i.field}: ${i.message}`.startsWith(message)),
      message,
    );
  }
});
