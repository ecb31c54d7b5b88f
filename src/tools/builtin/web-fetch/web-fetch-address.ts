/**
 * SSRF protection for `web_fetch`: which IP addresses are not the public internet, and resolving a host
 * to addresses that are all public.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** An address a request may connect to. */
export interface VettedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

// [first address, prefix length, what it is]. Everything that is not the public internet: a fetch tool
// driven by a model must never reach the host's own services, the LAN or a cloud metadata endpoint.
const IPV4_BLOCKS: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function classifyIpv4(address: string): string | undefined {
  const value = ipv4ToNumber(address);
  for (const [start, prefix, label] of IPV4_BLOCKS) {
    const size = 2 ** (32 - prefix);
    const first = ipv4ToNumber(start);
    if (value >= first && value < first + size) return label;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (with `::` expanded and a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].map((group) => parseInt(group, 16));
}

function embeddedIpv4(groups: readonly number[], at: number): string {
  const high = groups[at]!;
  const low = groups[at + 1]!;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function classifyIpv6(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zeros = (count: number): boolean => g.slice(0, count).every((group) => group === 0);
  if (zeros(8)) return 'unspecified';
  if (zeros(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4
  // address that decides; so does 6to4 (2002:aabb:ccdd::).
  if (zeros(5) && (g[5] === 0xffff || g[5] === 0)) return classifyIpv4(embeddedIpv4(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) {
    return classifyIpv4(embeddedIpv4(g, 6));
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'NAT64 local use';
  if (g[0] === 0x2002) return classifyIpv4(embeddedIpv4(g, 1)) === undefined ? undefined : '6to4 of a non-public IPv4';
  if (g[0] === 0x0100 && g.slice(1, 4).every((group) => group === 0)) return 'discard';
  if (g[0] === 0x2001 && g[1] === 0) return 'Teredo';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation';
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'site-local';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/**
 * Why an IP address is not on the public internet (`'loopback'`, `'private'`, …), or `undefined` when it
 * is. Handles IPv4, IPv6 and IPv6 forms that embed an IPv4 address.
 */
export function nonPublicReason(address: string): string | undefined {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return classifyIpv4(address);
  if (family === 6) return classifyIpv6(address);
  return 'not an IP address';
}

/**
 * Resolves a URL's host to the addresses a request may use. Every address must be public unless
 * `allowPrivate`: a name that resolves to both a public and a private address is refused, since the
 * connection could go to either.
 *
 * @throws Error naming the host, the address and why it is refused.
 */
export async function vetHost(hostname: string, allowPrivate: boolean): Promise<VettedAddress> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(host);
  const addresses: VettedAddress[] =
    literal !== 0
      ? [{ address: host, family: literal as 4 | 6 }]
      : (await lookup(host, { all: true, verbatim: true })).map((entry) => ({
          address: entry.address,
          family: entry.family as 4 | 6,
        }));
  if (addresses.length === 0) throw new Error(`${host} does not resolve to any address.`);
  if (!allowPrivate) {
    for (const entry of addresses) {
      const reason = nonPublicReason(entry.address);
      if (reason !== undefined) {
        throw new Error(
          `Refused to fetch from ${host}: it resolves to ${entry.address}, a ${reason} address. web_fetch only reaches public internet addresses.`,
        );
      }
    }
  }
  return addresses[0]!;
}
