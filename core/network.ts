/**
 * IP networks for the proxy trust list (`server.trustedProxies`): CIDR parsing and matching with
 * node's own BlockList, and the client address behind a chain of proxies.
 */
import { BlockList, isIP } from 'node:net';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const v = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v);
  return mapped ? mapped[1]! : v;
}

/**
 * `10.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128); undefined when it is none of these.
 * An IPv4-mapped network counts its prefix over the 128 bits, as IPv6 writes it: `::ffff:10.0.0.0/104`
 * is `10.0.0.0/8`. One shorter than /96 is refused: it would reach beyond the mapped range, and
 * `::ffff:10.0.0.0/8` (read as IPv4 /8 before) is more likely a slip than a wish to trust `::/8`.
 */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits, extra] = text.trim().split('/');
  if (extra !== undefined || !addr) return undefined;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const address = normalizeIp(addr);
  const v = isIP(address);
  if (v === 0) return undefined;
  const mapped = v === 4 && isIP(addr.trim()) === 6;
  const max = v === 4 ? 32 : 128;
  let prefix = bits === undefined ? max : Number(bits);
  if (mapped && bits !== undefined) {
    if (prefix < 96 || prefix > 128) return undefined;
    prefix -= 96;
  }
  if (prefix > max) return undefined;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** Answers whether an address is in one of the given networks. */
export class NetworkList {
  private readonly list = new BlockList();
  readonly size: number;
  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const c = parseCidr(text);
      if (!c) throw new Error(`not a CIDR network: ${text}`);
      this.list.addSubnet(c.address, c.prefix, c.family);
    }
    this.size = cidrs.length;
  }
  has(ip: string): boolean {
    // Most deployments trust no proxy: every request asks, and BlockList.check builds a native address each time.
    if (this.size === 0) return false;
    const a = normalizeIp(ip);
    const v = isIP(a);
    return v !== 0 && this.list.check(a, v === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * The client behind `peer`: when the peer is a trusted proxy, X-Forwarded-For is read from the right
 * and the first address not trusted is the client (the left part can be written by anyone). An entry
 * that is not an address stops the walk: the last trusted hop is then the best we know.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: NetworkList): string {
  let client = normalizeIp(peer);
  if (!trusted.has(client) || !forwardedFor) return client;
  const hops = forwardedFor.split(',').map((h) => normalizeIp(h.replace(/^\[|\](:\d+)?$/g, '')));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}
