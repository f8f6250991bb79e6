/**
 * kuzet.yaml: the whole configuration as code. Validated with zod at start (strict objects,
 * defaults applied while parsing, every problem reported with its path); an invalid file refuses to run.
 * Secrets are referenced as `${ENV_VAR}` and substituted from the environment; their values are never printed.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ROLES } from './auth.ts';
import { ConfigError, formatPath } from './errors.ts';
import { parseCidr } from './network.ts';
import type { Probe } from '../probes/index.ts';
// The channel registry is a leaf of notices (channels, formatting, languages): read here, it makes no cycle.
import { CHANNELS, type ChannelConfig, type ChannelRegistry } from '../notices/channels/index.ts';
// The oncall schema is pure zod (oncall/config.ts imports only core/time): read here, it makes no cycle.
import { oncallSchema } from '../oncall/config.ts';
import { ESHOP_ENVIRONMENTS, ESHOP_MODULE, ESHOP_SERVICE_IDS, isEshopServiceId } from './eshop-services.ts';

/** Policy ids of docs/rules.md §1. */
// The policy ids are the registry's (incidents/rules/policies: pure data, no I/O), written once there.
import { POLICY_IDS, type PolicyId } from '../incidents/rules/policies/index.ts';
export { POLICY_IDS, type PolicyId };

export const SYSTEM_KINDS = ['portal', 'etp', 'energy', 'marking'] as const;

/** Check interval bounds: below 5 s a check mostly measures kuzet itself and loads the portal for nothing. */
export const MIN_INTERVAL_MS = 5_000;
export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_TIMEOUT_MS = 10_000;

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** An IPv4 or IPv6 network in CIDR notation; a bare address means that one address. */
const cidr = z.string().refine((v) => parseCidr(v) !== undefined, 'not a CIDR network (e.g. "10.0.0.0/8", "::1/128")');

/** An absolute http(s) URL without query or fragment; a trailing slash is dropped. */
const publicUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL without query, fragment or credentials')
  .transform((v) => v.replace(/\/+$/, ''));

/** A duration: a number of seconds, or a string such as `500ms`, `30s`, `5m`, `1h`. Parsed to milliseconds. */
export const duration = z.union([z.number().positive(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return Math.round(v * 1000);
  const m = DURATION_RE.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `not a duration: use seconds or a string like "30s", "5m", "500ms"` });
    return z.NEVER;
  }
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
});

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"');

const contact = z.strictObject({
  name: z.string().min(1),
  role: z.string().optional(),
  email: z.email().optional(),
  phone: z.string().optional(),
});

const checkBase = {
  id,
  type: z.string(),
  interval: duration.default(DEFAULT_INTERVAL_MS),
  timeout: duration.optional(),
  regions: z.array(id).min(1).optional(),
  description: z.string().optional(),
};
const CHECK_BASE_KEYS = new Set(Object.keys(checkBase));

function checkSchema(probes: Readonly<Record<string, Probe>>) {
  return z.looseObject(checkBase).transform((raw, ctx) => {
    const probe = probes[raw.type];
    if (!probe) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `unknown check type "${raw.type}"; known: ${Object.keys(probes).join(', ')}`,
      });
      return z.NEVER;
    }
    if (raw.interval < MIN_INTERVAL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `at least ${MIN_INTERVAL_MS / 1000} s: shorter intervals load the monitored system and measure mostly kuzet itself`,
      });
    }
    const timeoutMs = raw.timeout ?? probe.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (timeoutMs > raw.interval) {
      ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must not exceed the interval' });
    }
    const kindFields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!CHECK_BASE_KEYS.has(k)) kindFields[k] = v;
    const parsed = probe.schema.safeParse(kindFields);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
      return z.NEVER;
    }
    return {
      id: raw.id,
      type: raw.type,
      intervalMs: raw.interval,
      timeoutMs,
      regions: raw.regions,
      description: raw.description,
      settings: parsed.data as Record<string, unknown>,
    };
  });
}

function targetSchema(probes: Readonly<Record<string, Probe>>) {
  return z.strictObject({
    id,
    name: z.string().optional(),
    module: id.optional(),
    /**
     * Which service this target watches: for ETPs `orders`, `prices`, `catalogue`, …; for targets of
     * module `eshop`, an id of the e-shop's service list (000 App.7 Appendix 1, core/eshop-services.ts).
     */
    service: id.optional(),
    /** The environment of the watched service (000 App.7 §3 lists test and productive services). @default "productive" */
    environment: z.enum(ESHOP_ENVIRONMENTS, { error: `must be one of ${ESHOP_ENVIRONMENTS.join(', ')}` }).default('productive'),
    checks: z.array(checkSchema(probes)).default([]),
  });
}

/** Connection states of an ETP to the e-shop (000 App.7 §3, §49). */
export const ETP_STATES = ['test', 'productive', 'disconnected'] as const;

/**
 * `systems.<id>.etp` (only for `kind: etp`): what the ETP registry is seeded with (docs/rules.md §7,
 * issue #7); owner and contacts come from the system's `owners` and `contacts`. The registry is then
 * changed over the API; the config seeds it and never overwrites an API change.
 */
const etpSchema = z.strictObject({
  domain: z.string().min(1).optional(),
  ips: z.array(z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' })).default([]),
  /** @default "productive" */
  state: z.enum(ETP_STATES).default('productive'),
  /** When the state began, ISO 8601 with offset (for `disconnected`: the date and time of disconnection, §49). */
  stateSince: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'expected an ISO 8601 date-time with offset')
    .optional(),
  /** Dates of authentication-data changes (000 App.7 §37), YYYY-MM-DD. @default [] */
  authRotations: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')).default([]),
});

const moduleName = z
  .string({ error: 'required: notices are published in Kazakh and Russian, so a module needs its name in both' })
  .trim()
  .min(1, 'must not be empty');
/** A module's name in both languages of the notices (state language and Russian). */
const moduleNameSchema = z.strictObject({ kk: moduleName, ru: moduleName });
const systemName = z
  .string({ error: 'required: the status page is published in Kazakh and Russian, so the system needs its name in both' })
  .trim()
  .min(1, 'must not be empty');

function systemSchema(probes: Readonly<Record<string, Probe>>) {
  return z.strictObject({
    name: z.string().min(1),
    /**
     * The system's public name in Kazakh and Russian: the status page in each language shows it, where
     * `name` (the operator's name in the console and alerts) would put Russian on the Kazakh page.
     * Without it both pages show `name`.
     * @example { kk: "Мемлекеттік сатып алу веб-порталы", ru: "Веб-портал государственных закупок" }
     */
    names: z.strictObject({ kk: systemName, ru: systemName }).optional(),
    kind: z.enum(SYSTEM_KINDS),
    policy: z.enum(POLICY_IDS),
    modules: z.array(id).default([]),
    /**
     * The modules' human names in Kazakh and Russian, by module id: notices, e-mails and Slack name a
     * module by these, never by its id (`search` → «Поиск объявлений»). A module without names is left
     * out of those texts (the system's name stands for it). @default {}
     * @example { search: { kk: "Хабарландыруларды іздеу", ru: "Поиск объявлений" } }
     */
    moduleNames: z.record(id, moduleNameSchema).default({}),
    /**
     * The owner's contacts. The one with `role: it-security` is the owner's unit responsible for
     * informatisation and information security, told of medium and high failures on receipt (001 §19).
     */
    owners: z.array(contact).default([]),
    contacts: z.array(contact).default([]),
    targets: z.array(targetSchema(probes)).default([]),
    etp: etpSchema.optional(),
  });
}

/** A notification channel: its `id`, its `type` (a key of the channel registry) and that channel's own fields. */
function channelSchema(channels: ChannelRegistry) {
  const options = Object.entries(channels).map(([type, ch]) => z.strictObject({ id, type: z.literal(type), ...ch.schema.shape }));
  return z.discriminatedUnion(
    'type',
    options as [(typeof options)[number], ...(typeof options)[number][]],
  ) as unknown as z.ZodType<ChannelConfig>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Plain http only to this machine (a development identity provider); anything else would send codes and tokens in clear. */
export const isLoopbackUrl = (u: URL) => LOOPBACK_HOSTS.has(u.hostname);
const secureUrl = (what: string) =>
  z.url({ error: `must be an absolute URL (the ${what})`, abort: true }).refine((v) => {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackUrl(u));
  }, 'must use https (plain http only for a loopback address such as 127.0.0.1)');
const claimName = z.string().regex(/^[A-Za-z0-9_:./-]{1,100}$/, 'a claim name: letters, digits and _ : . / -');

/**
 * `console.oidc`: optional single sign-on for the console with an OpenID Connect provider
 * (authorization code flow with PKCE). Secrets as `${ENV_VAR}`, like the notification channels'.
 * A person whose role claim maps to no kuzet role is refused; there is no default role.
 */
export const oidcSchema = z.strictObject({
  /** The issuer identifier; its `/.well-known/openid-configuration` is discovered. */
  issuer: secureUrl('issuer identifier, e.g. https://sso.example.kz/realms/ops'),
  clientId: z.string({ error: 'required' }).min(1, 'required'),
  /** Omitted for a public client (PKCE only). */
  clientSecret: z.string().min(1, 'must not be empty; omit it for a public client').optional(),
  /** Where the provider sends the browser back. @default the request's origin + `/console/login/oidc/callback` */
  redirectUrl: secureUrl('callback URL, ending in /console/login/oidc/callback')
    .refine((v) => new URL(v).pathname === '/console/login/oidc/callback', 'the path must be /console/login/oidc/callback')
    .optional(),
  /** @default ["openid", "profile", "email"] */
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope is one word without spaces or quotes'))
    .default(['openid', 'profile', 'email'])
    .refine((v) => v.includes('openid'), 'must include "openid"'),
  /** The claim whose value becomes the console user name. @default "preferred_username" */
  usernameClaim: claimName.default('preferred_username'),
  /** The claim holding the person's groups or roles (a string or a list of strings). @default "groups" */
  roleClaim: claimName.default('groups'),
  /** Claim value → kuzet role; the highest mapped role wins. */
  roles: z
    .record(z.string().min(1, 'a claim value must not be empty'), z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), {
      error: 'required: a map from claim values to roles',
    })
    .refine((m) => Object.keys(m).length > 0, 'map at least one claim value to a role'),
});
export type OidcConfig = z.output<typeof oidcSchema>;

const APPEALS_DEFAULTS = {
  attach: true,
  attachWindow: 1_800_000,
  perIp: { max: 10, window: 600_000 },
  perBinIin: { max: 5, window: 600_000 },
};
const appealLimit = (d: { max: number; window: number }) =>
  z.strictObject({ max: z.number().int().min(1).max(100_000).default(d.max), window: duration.default(d.window) }).default(d);
const appealsSchema = z.strictObject({
  /** false: every appeal opens its own incident, and operators link them by hand. @default true */
  attach: z.boolean().default(true),
  /**
   * An appeal about a system and module that has an incident open, or one registered within this
   * time, attaches to it as evidence (with its own answer clocks) instead of opening another: on the
   * day the portal fails thousands of users report the same failure. @default 30m
   */
  attachWindow: duration.default(APPEALS_DEFAULTS.attachWindow),
  /** Appeals per client address. @default 10 per 10m */
  perIp: appealLimit(APPEALS_DEFAULTS.perIp),
  /** Appeals per BIN/IIN, whatever the address: one organisation cannot flood from many. @default 5 per 10m */
  perBinIin: appealLimit(APPEALS_DEFAULTS.perBinIin),
});

/** `server`: where kuzet listens, whom it trusts for forwarded headers, its public address, subscription limits. */
const serverSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().default('127.0.0.1'),
    /**
     * Peers (CIDR, e.g. `10.0.0.0/8`, `::1/128`) whose X-Forwarded-For/-Host/-Proto are believed;
     * the client is then the right-most address not in this list. Empty (the default): forwarded
     * headers are ignored and the client is the TCP peer, so no client can name its own address.
     */
    trustedProxies: z.array(cidr).default([]),
    /**
     * The address users reach kuzet at (`https://status.operator.kz`). Every link in mail, RSS,
     * notices and the SSO redirect is built from it, never from a request's Host header.
     * @default the address kuzet listens on
     */
    publicUrl: publicUrl.optional(),
    /** Status-site subscriptions: requests per client address, and how often one address may be mailed. */
    subscriptions: z
      .strictObject({
        perIp: z
          .strictObject({
            max: z.number().int().min(1, 'at least 1 request per window').max(10_000).default(5),
            window: duration.default(600_000),
          })
          .default({ max: 5, window: 600_000 }),
        mailEvery: duration.default(900_000),
      })
      .default({ perIp: { max: 5, window: 600_000 }, mailEvery: 900_000 }),
  })
  .default({
    port: 8080,
    host: '127.0.0.1',
    trustedProxies: [],
    subscriptions: { perIp: { max: 5, window: 600_000 }, mailEvery: 900_000 },
  });

const storageSchema = z
  .strictObject({
    /** PGlite data directory (the embedded default). `DATABASE_URL` switches to PostgreSQL. */
    dataDir: z.string().default('./data'),
    databaseUrl: z.string().optional(),
    schema: id.optional(),
    retentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .default({ dataDir: './data', retentionDays: 90 });

const redisSchema = z
  .strictObject({ url: z.string().default('redis://127.0.0.1:6379'), prefix: id.default('kuzet') })
  .default({ url: 'redis://127.0.0.1:6379', prefix: 'kuzet' });

const workersSchema = z
  .strictObject({
    concurrency: z.number().int().min(1).max(1000).default(50),
    /** Browser journeys at once per worker process (each a Chromium context: CPU and ~80 MB); read at start. */
    browserConcurrency: z.number().int().min(1).max(32).default(2),
  })
  .default({ concurrency: 50, browserConcurrency: 2 });

const influxSchema = z
  .strictObject({
    url: z.url(),
    token: z.string().default(''),
    org: z.string().default('kuzet'),
    bucket: z.string().default('kuzet'),
    /** Write through the InfluxDB 1.x compatibility endpoint (`/write?db=`): Debian ships InfluxDB 1.x. */
    v1Database: z.string().optional(),
    flushIntervalMs: z.number().int().min(100).default(1000),
    batchSize: z.number().int().min(1).default(1000),
  })
  .optional();

/** Incident detection (issue #5): when a check's failures open an incident and its successes resolve it. */
const incidentsSchema = z
  .strictObject({
    detector: z
      .strictObject({
        /** N consecutive failures of a check in one region open it. */
        failuresToOpen: z.number().int().min(1).max(100).default(3),
        /** K regions failing at once open it. */
        regionsToOpen: z.number().int().min(1).max(100).default(2),
        /** M consecutive successes per failed region resolve it. */
        successesToResolve: z.number().int().min(1).max(100).default(2),
        /** A failure within this time after recovery re-opens the same incident. */
        flapWindow: duration.default(600_000),
        /** Screenshots kept per check as evidence. */
        maxScreenshots: z.number().int().min(0).max(50).default(5),
      })
      .default({ failuresToOpen: 3, regionsToOpen: 2, successesToResolve: 2, flapWindow: 600_000, maxScreenshots: 5 }),
    /** How often SLA clocks are checked for warnings and breaches. */
    slaTick: duration.default(15_000),
    /** Public appeals (issue #16 item 5): floods attach to one incident and are limited per client and per BIN/IIN. */
    appeals: appealsSchema.default(APPEALS_DEFAULTS),
  })
  .default({
    detector: { failuresToOpen: 3, regionsToOpen: 2, successesToResolve: 2, flapWindow: 600_000, maxScreenshots: 5 },
    slaTick: 15_000,
    appeals: APPEALS_DEFAULTS,
  });

/** What one field's schema cannot see: module, target and check ids, and regions, against the rest of the config. */
/** Each escalation step's channel is a configured notification channel (the two sections meet only here). */
function checkEscalationChannels(
  cfg: { notifications: { channels: { id: string }[] }; oncall: { escalation: { steps: { channel: string }[] } } },
  ctx: z.RefinementCtx,
): void {
  const ids = cfg.notifications.channels.map((c) => c.id);
  cfg.oncall.escalation.steps.forEach((step, i) => {
    if (!ids.includes(step.channel))
      ctx.addIssue({
        code: 'custom',
        path: ['oncall', 'escalation', 'steps', i, 'channel'],
        message: `no channel "${step.channel}" in notifications.channels (configured: ${ids.join(', ') || 'none'})`,
      });
  });
}

function checkSystems(
  cfg: { regions: string[]; systems: Record<string, z.output<ReturnType<typeof systemSchema>>> },
  ctx: z.RefinementCtx,
): void {
  for (const [sysId, sys] of Object.entries(cfg.systems)) {
    if (sys.etp && sys.kind !== 'etp')
      ctx.addIssue({ code: 'custom', path: ['systems', sysId, 'etp'], message: 'only for systems of kind "etp"' });
    for (const m of Object.keys(sys.moduleNames)) {
      if (!sys.modules.includes(m))
        ctx.addIssue({
          code: 'custom',
          path: ['systems', sysId, 'moduleNames', m],
          message: `module "${m}" is not in systems.${sysId}.modules`,
        });
    }
    const targetIds = new Set<string>();
    sys.targets.forEach((t, ti) => {
      if (targetIds.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['systems', sysId, 'targets', ti, 'id'], message: `duplicate target id "${t.id}"` });
      targetIds.add(t.id);
      if (t.module && sys.modules.length > 0 && !sys.modules.includes(t.module)) {
        ctx.addIssue({
          code: 'custom',
          path: ['systems', sysId, 'targets', ti, 'module'],
          message: `module "${t.module}" is not in systems.${sysId}.modules`,
        });
      }
      if (t.module === ESHOP_MODULE && t.service !== undefined && !isEshopServiceId(t.service)) {
        ctx.addIssue({
          code: 'custom',
          path: ['systems', sysId, 'targets', ti, 'service'],
          message: `"${t.service}" is not a service of the e-shop's list (000 App.7 Appendix 1); known: ${ESHOP_SERVICE_IDS.join(', ')}`,
        });
      }
      const checkIds = new Set<string>();
      t.checks.forEach((c, ci) => {
        if (checkIds.has(c.id))
          ctx.addIssue({
            code: 'custom',
            path: ['systems', sysId, 'targets', ti, 'checks', ci, 'id'],
            message: `duplicate check id "${c.id}"`,
          });
        checkIds.add(c.id);
        for (const [ri, r] of (c.regions ?? []).entries()) {
          if (!cfg.regions.includes(r))
            ctx.addIssue({
              code: 'custom',
              path: ['systems', sysId, 'targets', ti, 'checks', ci, 'regions', ri],
              message: `region "${r}" is not in regions (${cfg.regions.join(', ')})`,
            });
        }
      });
    });
  }
}

export function configSchema(probes: Readonly<Record<string, Probe>>, channels: ChannelRegistry = CHANNELS) {
  return z
    .strictObject({
      /** Region names this deployment knows; a check without `regions` runs in the first. */
      regions: z.array(id).min(1).default(['astana']),
      server: serverSchema,
      storage: storageSchema,
      redis: redisSchema,
      workers: workersSchema,
      influx: influxSchema,
      notifications: z.strictObject({ channels: z.array(channelSchema(channels)).default([]) }).default({ channels: [] }),
      /** Incident detection (issue #5): when a check's failures open an incident and its successes resolve it. */
      incidents: incidentsSchema,
      /** Watching the watcher (issue #11): silence after `silenceIntervals` check intervals; an optional dead-man's-switch GET to an outside service. */
      /** The operator console (issue #10); `oidc` adds single sign-on beside the local accounts. */
      console: z.strictObject({ oidc: oidcSchema.optional() }).optional(),
      meta: z
        .strictObject({
          silenceIntervals: z.number().int().min(2).max(100).default(3),
          deadMansSwitch: z.strictObject({ url: z.url(), everySeconds: z.number().int().min(10).max(3600).default(60) }).optional(),
        })
        .optional(),
      systems: z.record(id, systemSchema(probes)).default({}),
      /** People, on-call schedules (issue #21 item 2); empty or missing: nobody is on call. */
      oncall: oncallSchema,
    })
    .superRefine(checkSystems)
    .superRefine(checkEscalationChannels);
}

export type KuzetConfig = z.output<ReturnType<typeof configSchema>>;
export type SystemConfig = KuzetConfig['systems'][string];
export type ModuleNames = SystemConfig['moduleNames'][string];

/** A module's human names (kk/ru) from its system's config; undefined when none is configured. */
export function moduleNamesOf(
  sys: Pick<SystemConfig, 'moduleNames'> | undefined,
  module: string | null | undefined,
): ModuleNames | undefined {
  return module && sys && Object.hasOwn(sys.moduleNames, module) ? sys.moduleNames[module] : undefined;
}

/**
 * The configured system `id`, or undefined. Own properties only: ids come from requests, and
 * `cfg.systems['constructor']` would otherwise be Object itself (named "Object" in Slack, issue #16 item 4).
 */
export function systemOf(cfg: Pick<KuzetConfig, 'systems'>, id: string | null | undefined): SystemConfig | undefined {
  return id !== null && id !== undefined && Object.hasOwn(cfg.systems, id) ? cfg.systems[id] : undefined;
}
export type TargetConfig = SystemConfig['targets'][number];
export type CheckConfig = TargetConfig['checks'][number];

/** A check placed in its system and target, as the scheduler and the API see it. */
export interface ResolvedCheck {
  /** `system/target/check`, unique in one config. */
  key: string;
  system: string;
  target: string;
  module: string | undefined;
  check: CheckConfig;
  regions: string[];
}

export function resolveChecks(cfg: KuzetConfig): ResolvedCheck[] {
  const out: ResolvedCheck[] = [];
  for (const [system, sys] of Object.entries(cfg.systems)) {
    for (const t of sys.targets) {
      for (const c of t.checks) {
        out.push({
          key: `${system}/${t.id}/${c.id}`,
          system,
          target: t.id,
          module: t.module,
          check: c,
          regions: c.regions ?? [cfg.regions[0]!],
        });
      }
    }
  }
  return out;
}

const ENV_REF = /\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Substitutes `${VAR}` and `${VAR:-default}` in every string scalar. A reference to an unset
 * variable without a default is an error naming the path and the variable (never its value).
 */
function substituteEnv(node: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], issues: { field: string; message: string }[]): unknown {
  if (typeof node === 'string') {
    return node.replace(ENV_REF, (_m, name: string, def: string | undefined) => {
      const v = env[name];
      if (v !== undefined) return v;
      if (def !== undefined) return def;
      issues.push({ field: formatPath(path), message: `environment variable ${name} is not set` });
      return '';
    });
  }
  if (Array.isArray(node)) return node.map((v, i) => substituteEnv(v, env, [...path, i], issues));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substituteEnv(v, env, [...path, k], issues)]));
  }
  return node;
}

/** Parses YAML text into a frozen config, or throws {@link ConfigError} with every problem. */
export function parseConfig(
  text: string,
  probes: Readonly<Record<string, Probe>>,
  env: NodeJS.ProcessEnv = process.env,
  channels: ChannelRegistry = CHANNELS,
): KuzetConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ field: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const issues: { field: string; message: string }[] = [];
  const raw = substituteEnv(doc.toJS() ?? {}, env, [], issues);
  const parsed = configSchema(probes, channels).safeParse(raw);
  if (!parsed.success) issues.push(...parsed.error.issues.map(describeIssue));
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(parsed.data!);
}

export function loadConfigFile(
  path: string,
  probes: Readonly<Record<string, Probe>>,
  env: NodeJS.ProcessEnv = process.env,
  channels: ChannelRegistry = CHANNELS,
): KuzetConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([{ field: path, message: `cannot read the config file: ${(e as Error).message}` }]);
  }
  return parseConfig(text, probes, env, channels);
}

/** A record key's own problem (`invalid_key`) is nested; say what is wrong with the key. */
function describeIssue(i: z.core.$ZodIssue): { field: string; message: string } {
  const field = formatPath(i.path) || '(top level)';
  if (i.code === 'invalid_key') {
    const inner = i.issues.map((x) => x.message).join('; ');
    return { field, message: `invalid name: ${inner}` };
  }
  return { field, message: i.message };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
