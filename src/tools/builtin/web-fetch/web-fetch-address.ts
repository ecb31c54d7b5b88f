/**
 * SSRF protection for `web_fetch`: which IP addresses are the public internet, and resolving a host to
 * addresses that all are. An allow-list, built on `ipaddr.js`'s tables of special-purpose ranges: an IPv4
 * address is public only when it is ordinary unicast; an IPv6 address only when it is ordinary global
 * unicast (`2000::/3`, outside every special range), or when it carries an IPv4 address (mapped,
 * translated, NAT64, 6to4) that is public itself.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** An address a request may connect to. */
export interface VettedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** Readable names of `ipaddr.js` range names. */
const RANGE_NAMES: Readonly<Record<string, string>> = {
  unspecified: 'unspecified ("this network")',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (shared)',
  private: 'private',
  reserved: 'reserved (documentation, benchmarking or future use)',
  benchmarking: 'benchmarking',
  as112: 'AS112 sink',
  amt: 'AMT relay',
  uniqueLocal: 'unique local (private)',
  deprecatedSiteLocal: 'site-local (private)',
  discard: 'discard-only',
  teredo: 'Teredo tunnel',
  as112v6: 'AS112 sink',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHID',
  droneRemoteIdProtocolEntityTags: 'drone identifier',
  segmentRouting: 'segment routing',
  rfc6052: 'NAT64 local-use',
};

const nameOf = (range: string): string => RANGE_NAMES[range] ?? range;

/** `ipaddr.js` IPv6 ranges that are `<prefix>` + an IPv4 address in the last 32 bits. */
const TAIL_V4 = new Set(['ipv4Mapped', 'rfc6145']);
const NAT64_WELL_KNOWN = ipaddr.IPv6.parse('64:ff9b::');
const COMPATIBLE = ipaddr.IPv6.parse('::');
const GLOBAL_UNICAST = ipaddr.IPv6.parse('2000::');

function fromBytes(bytes: readonly number[]): IPv4 {
  return new ipaddr.IPv4([...bytes]);
}

function classifyIpv4(address: IPv4): string | undefined {
  const range = address.range();
  if (range === 'linkLocal') return 'link-local (cloud metadata)';
  return range === 'unicast' ? undefined : nameOf(range);
}

/** The verdict on an IPv4 address carried inside an IPv6 one: public only when the IPv4 is. */
function embedded(kind: string, v4: IPv4): string | undefined {
  const reason = classifyIpv4(v4);
  return reason === undefined ? undefined : `${kind} ${reason} (${v4.toString()})`;
}

function classifyIpv6(address: IPv6): string | undefined {
  if (address.zoneId !== undefined) return 'scoped (has a zone id)';
  const bytes = address.toByteArray();
  const range = address.range();
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated): the socket talks IPv4 to the tail.
  if (TAIL_V4.has(range))
    return embedded(range === 'ipv4Mapped' ? 'IPv4-mapped' : 'IPv4-translated', fromBytes(bytes.slice(12)));
  // 64:ff9b::a.b.c.d: a NAT64 gateway forwards to the tail. (64:ff9b:1::/48, local use, has no fixed layout.)
  if (address.match(NAT64_WELL_KNOWN, 96)) return embedded('NAT64', fromBytes(bytes.slice(12)));
  // ::a.b.c.d, deprecated IPv4-compatible: never a public web server, and some stacks route it as IPv4.
  if (address.match(COMPATIBLE, 96)) return range === 'unicast' ? 'IPv4-compatible (deprecated)' : nameOf(range);
  // 2002:aabb:ccdd::/48 reaches the IPv4 address aa.bb.cc.dd through a 6to4 relay.
  if (range === '6to4') return embedded('6to4', fromBytes(bytes.slice(2, 6)));
  if (range !== 'unicast') return nameOf(range);
  return address.match(GLOBAL_UNICAST, 3) ? undefined : 'non-global (outside 2000::/3)';
}

/**
 * An IPv6 address with a dotted IPv4 tail (`::8.8.8.8`, `::ffff:0:1.2.3.4`) written with hex groups only.
 * `ipaddr.js` reads `::a.b.c.d` as the mapped `::ffff:a.b.c.d`, which the kernel does not: the bytes must
 * be the ones a socket would use.
 */
function hexTail(address: string): string {
  const zone = address.indexOf('%');
  const [bare, suffix] = zone < 0 ? [address, ''] : [address.slice(0, zone), address.slice(zone)];
  const match = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  if (!match) return address;
  const [a, b, c, d] = match.slice(2).map(Number) as [number, number, number, number];
  return `${match[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}${suffix}`;
}

/**
 * Why an IP address is not on the public internet (`'loopback'`, `'private'`, …), or `undefined` when it
 * is. Takes canonical IPv4 (dotted decimal, as the URL parser and DNS give them) and IPv6 addresses, with
 * the IPv4 forms IPv6 can carry; anything else is refused as `'malformed'`. Reasons read as adjectives:
 * "a loopback address", "an IPv4-mapped private (10.0.0.1) address".
 *
 * @example
 * ```ts
 * nonPublicReason('::ffff:0:7f00:1'); // 'IPv4-translated loopback (127.0.0.1)'
 * nonPublicReason('8.8.8.8');         // undefined
 * ```
 */
export function nonPublicReason(address: string): string | undefined {
  const family = isIP(address);
  try {
    // ipaddr.js also reads shorthand IPv4 (`127.1`, hex, octal); only forms `isIP` accepts get here.
    if (family === 4 && ipaddr.IPv4.isValidFourPartDecimal(address)) return classifyIpv4(ipaddr.IPv4.parse(address));
    if (family === 6) return classifyIpv6(ipaddr.IPv6.parse(hexTail(address)));
  } catch {
    // Unparseable: refused below.
  }
  return 'malformed';
}

/**
 * Resolves a URL's host to the address a request will use. Every address the name resolves to (all A and
 * AAAA answers) must be public unless `allowPrivate`: a name that resolves to both a public and a private
 * address is refused, since the connection could go to either. The caller connects to the returned address
 * only, so a second DNS answer cannot swap in another one.
 *
 * @throws Error naming the host, the address and why it is refused.
 */
export async function vetHost(hostname: string, allowPrivate: boolean): Promise<VettedAddress> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(host);
  let addresses: VettedAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal as 4 | 6 }];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => ({
        address: entry.address,
        family: entry.family as 4 | 6,
      }));
    } catch (error) {
      throw new Error(`${host} could not be resolved: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
  }
  if (addresses.length === 0) throw new Error(`${host} does not resolve to any address.`);
  if (!allowPrivate) {
    for (const entry of addresses) {
      const reason = nonPublicReason(entry.address);
      if (reason !== undefined) {
        throw new Error(
          `Refused to fetch from ${host}: it resolves to ${entry.address}, ${/^[aeiouAEIOU]/.test(reason) ? 'an' : 'a'} ` +
            `${reason} address. web_fetch only reaches public internet addresses.`,
        );
      }
    }
  }
  return addresses[0]!;
}
