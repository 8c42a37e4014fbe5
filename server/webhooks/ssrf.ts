/**
 * SSRF guard: classifies IP addresses and provides a DNS lookup that refuses blocked
 * ones, so the check happens on the address a connection actually uses (no window for
 * DNS rebinding between a check and the connect).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";

interface Range {
  base: bigint;
  bits: number;
  reason: string;
}

function v4ToBigInt(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** 128-bit value of an IPv6 address (handles "::" and a trailing dotted IPv4 part). */
function v6ToBigInt(address: string): bigint {
  let text = address.split("%")[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = v4ToBigInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill("0"), ...tailParts];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

const v4 = (cidr: string, reason: string): Range => {
  const [addr, bits] = cidr.split("/") as [string, string];
  return { base: v4ToBigInt(addr), bits: Number(bits), reason };
};
const v6 = (cidr: string, reason: string): Range => {
  const [addr, bits] = cidr.split("/") as [string, string];
  return { base: v6ToBigInt(addr), bits: Number(bits), reason };
};

// Metadata addresses come first so they are named as such.
const V4_BLOCKED: Range[] = [
  v4("169.254.169.254/32", "cloud metadata"),
  v4("100.100.100.200/32", "cloud metadata"),
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared (carrier-grade NAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"),
];

const V6_BLOCKED: Range[] = [
  v6("fd00:ec2::254/128", "cloud metadata"),
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("::ffff:0:0/96", "IPv4-mapped"),
  v6("::/96", "IPv4-compatible"),
  v6("fc00::/7", "unique-local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local"),
  v6("ff00::/8", "multicast"),
];

const NAT64 = v6("64:ff9b::/96", "NAT64");

function inRange(value: bigint, width: number, range: Range): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

/** Why an address may not be a webhook target ("loopback", "private", …), or null if it may. */
export function blockedReason(address: string): string | null {
  const family = isIP(address.split("%")[0]!);
  if (family === 4) {
    const value = v4ToBigInt(address);
    return V4_BLOCKED.find((r) => inRange(value, 32, r))?.reason ?? null;
  }
  if (family === 6) {
    const value = v6ToBigInt(address);
    const hit = V6_BLOCKED.find((r) => inRange(value, 128, r));
    if (hit) return hit.reason;
    // NAT64 embeds an IPv4 address: judge that one.
    if (inRange(value, 128, NAT64)) {
      const embedded = value & 0xffffffffn;
      const dotted = [24n, 16n, 8n, 0n].map((s) => String((embedded >> s) & 0xffn)).join(".");
      const inner = blockedReason(dotted);
      return inner ? `NAT64 of ${inner}` : null;
    }
    return null;
  }
  return "not an IP address";
}

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKED";
  constructor(host: string, address: string, reason: string) {
    super(`refused: ${host} resolves to ${address} (${reason}); set [webhooks] allow_private_networks = true to allow it`);
  }
}

/**
 * A `lookup` for http(s).request: resolves, and fails the connection if any answer is
 * blocked (an attacker's DNS must not be able to mix a public and a private answer).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  const all: LookupAllOptions = { ...options, all: true };
  dnsLookup(hostname, all, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    for (const a of addresses) {
      const reason = blockedReason(a.address);
      if (reason) return callback(new BlockedAddressError(hostname, a.address, reason), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  });
};

/**
 * At registration: the blocked address a name resolves to now, or null (public, or not
 * resolvable yet: the connect-time lookup above still guards every attempt).
 */
export async function resolvedBlock(hostname: string, timeoutMs = 2_000): Promise<{ address: string; reason: string } | null> {
  if (isIP(hostname)) return null;
  const answers = await new Promise<LookupAddress[]>((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      clearTimeout(timer);
      resolve(err ? [] : addresses);
    });
  });
  for (const a of answers) {
    const reason = blockedReason(a.address);
    if (reason) return { address: a.address, reason };
  }
  return null;
}
