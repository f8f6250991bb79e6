import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { z } from 'zod';
import { describeError, errorCode, roundMs } from './classify.ts';
import type { ErrorKind, Probe, ProbeOutcome } from './types.ts';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME'] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/** `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53` — the forms `Resolver#setServers` accepts. */
const resolverAddress = z
  .string()
  .refine(isResolverAddress, 'expected an IP address with an optional port, like "10.0.0.2", "127.0.0.1:5353" or "[::1]:53"');

export const dnsSchema = z
  .strictObject({
    name: z.string().min(1),
    /** @default "A" */
    recordType: z.enum(RECORD_TYPES).default('A'),
    /** Values the answer must hold; without it, any non-empty answer passes. */
    expect: z.array(z.string().min(1)).min(1).optional(),
    /** `exact`: the answer equals `expect` as a set; `contains`: the answer includes every value of `expect`. @default "exact" */
    match: z.enum(['exact', 'contains']).default('exact'),
    /** The server to ask; the host's resolvers when absent. */
    resolver: resolverAddress.optional(),
    /** Milliseconds the resolver waits for one attempt (it makes up to 2); the runner's timeout still bounds the run. */
    timeout: z.number().int().positive().optional(),
  })
  .superRefine((config, ctx) => {
    config.expect?.forEach((value, i) => {
      const problem = checkValue(config.recordType, value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['expect', i], message: problem });
    });
  });
export type DnsConfig = z.output<typeof dnsSchema>;

/** The answer, normalized, and who gave it. */
export const dnsObservation = z.object({ values: z.array(z.string()), resolver: z.string() });
export type DnsObservation = z.output<typeof dnsObservation>;

/** Resolves one name and compares the records with the expected values. */
export const dnsProbe: Probe<typeof dnsSchema, DnsObservation> = {
  kind: 'dns',
  schema: dnsSchema,
  observation: dnsObservation,
  async run(config, ctx) {
    const resolver = new Resolver({ timeout: config.timeout ?? -1, tries: 2 });
    if (config.resolver) resolver.setServers([config.resolver]);
    const onAbort = () => resolver.cancel();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    let values: string[];
    try {
      values = (await resolve(resolver, config.name, config.recordType)).map((v) => normalize(config.recordType, v));
    } catch (err) {
      return dnsFailure(err, config, ctx.signal);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    const latencyMs = roundMs(performance.now() - started);
    const observations: DnsObservation = { values, resolver: config.resolver ?? resolver.getServers().join(', ') };
    const problem = compare(config, values);
    if (problem) return { ok: false, errorKind: 'assertion', message: problem, latencyMs, observations };
    return { ok: true, message: `${config.name} ${config.recordType} → ${values.join(', ')}`, latencyMs, observations };
  },
};

function resolve(resolver: Resolver, name: string, type: RecordType): Promise<string[]> {
  if (type === 'A') return resolver.resolve4(name);
  if (type === 'AAAA') return resolver.resolve6(name);
  return resolver.resolveCname(name);
}

function dnsFailure(err: unknown, config: DnsConfig, signal: AbortSignal): ProbeOutcome<DnsObservation> {
  const code = errorCode(err);
  const kind: ErrorKind = signal.aborted || code === 'ECANCELLED' || code === 'ETIMEOUT' ? 'timeout' : 'dns';
  const what = `${config.name} ${config.recordType}`;
  if (code === 'ENODATA') return { ok: false, errorKind: 'dns', message: `${what}: no records (ENODATA)` };
  if (code === 'ENOTFOUND') return { ok: false, errorKind: 'dns', message: `${what}: no such name (NXDOMAIN)` };
  return { ok: false, errorKind: kind, message: `${what}: ${describeError(err, signal)}` };
}

/** Why the answer fails, or undefined when it passes. Values are compared as sets, normalized. */
export function compare(config: Pick<DnsConfig, 'expect' | 'match' | 'recordType' | 'name'>, values: string[]): string | undefined {
  if (values.length === 0) return `${config.name} ${config.recordType}: empty answer`;
  if (!config.expect) return undefined;
  const got = new Set(values);
  const want = new Set(config.expect.map((v) => normalize(config.recordType, v)));
  const missing = [...want].filter((v) => !got.has(v));
  const extra = config.match === 'exact' ? [...got].filter((v) => !want.has(v)) : [];
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''];
  return `${config.name} ${config.recordType} is ${values.join(', ')}: ${parts.filter(Boolean).join(', ')}`;
}

/** Canonical text of a record value, so `2001:DB8::1` equals `2001:db8:0::1` and `a.kz.` equals `A.kz`. */
export function normalize(type: RecordType, value: string): string {
  if (type === 'AAAA' && net.isIPv6(value)) return expandIPv6(value);
  if (type === 'CNAME') return value.toLowerCase().replace(/\.$/, '');
  return value;
}

function expandIPv6(address: string): string {
  if (address.includes('.')) return address.toLowerCase(); // IPv4-mapped forms are rare in answers; compare as written
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16)).join(':');
}

function checkValue(type: RecordType, value: string): string | undefined {
  if (type === 'A' && !net.isIPv4(value)) return `"${value}" is not an IPv4 address`;
  if (type === 'AAAA' && !net.isIPv6(value)) return `"${value}" is not an IPv6 address`;
  if (type === 'CNAME' && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(value)) return `"${value}" is not a host name`;
  return undefined;
}

function isResolverAddress(text: string): boolean {
  if (net.isIP(text)) return true;
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (!m) return false;
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  return (m[1] ? net.isIPv6(host) : net.isIPv4(host)) && port >= 1 && port <= 65535;
}
