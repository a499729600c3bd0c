import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Where webhooks may be sent (issue #10 §3, SSRF). Only globally routable unicast addresses
 * are allowed by default — ipaddr.js's range() must be "unicast" (RFC 6890 special-purpose
 * registries: loopback, RFC 1918 private, link-local, unique-local fc00::/7, unspecified,
 * carrier-grade NAT 100.64/10, multicast, reserved, 6to4/Teredo/NAT64 … are not), and an IPv6
 * address must be in 2000::/3 (global unicast). IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as
 * the IPv4 address it carries. Cloud metadata endpoints are refused even when allow-listed.
 *
 * WARDEN_WEBHOOK_ALLOWED_HOSTS (comma-separated host names, addresses or CIDRs) lets intranet
 * receivers through: a listed host name is sent to whatever it resolves to; a listed address or
 * range admits those addresses for any name.
 */

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address it has (A and AAAA). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Resolver errors that mean "this name has no address" (getaddrinfo / c-ares codes, RFC 1035 NXDOMAIN). */
const NOT_FOUND_CODES = new Set(["ENOTFOUND", "ENODATA", "EAI_NONAME", "EAI_NODATA", "NXDOMAIN", "ENONAME"]);

/**
 * Why a name could not be turned into addresses — never a reason to call it forbidden:
 * `not_found` — the name has no address (NXDOMAIN, no A/AAAA records, or an empty answer);
 * `lookup_failed` — the lookup itself failed (EAI_AGAIN, SERVFAIL, timeout …), so it may resolve later.
 */
export type LookupFailure = "not_found" | "lookup_failed";

/** Classifies what a Resolver threw (an error with a `code`, as node:dns sets). */
export function lookupFailureOf(err: unknown): LookupFailure {
  const code = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "";
  return NOT_FOUND_CODES.has(code) ? "not_found" : "lookup_failed";
}

export type AllowList = { hosts: ReadonlySet<string>; ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][] };

const METADATA_ADDRESSES = ["169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200"].map((a) => ipaddr.parse(a).toNormalizedString());
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"]);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** A host name compared the way DNS does: lower case, without the root's trailing dot. */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "");
}

/** Unwraps IPv4-mapped IPv6 and zone ids; null when the text is not an address. */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare);
}

/**
 * Parses the allow-list setting. Throws Error naming the first entry that is neither a host
 * name, an address nor a CIDR range.
 */
export function parseAllowList(raw: string | undefined): AllowList {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of (raw ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    if (entry.includes("/")) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`"${entry}" is not a CIDR range`);
      }
      const [net, bits] = range;
      // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are compared after unwrapping.
      ranges.push(net instanceof ipaddr.IPv6 && net.isIPv4MappedAddress() ? [net.toIPv4Address(), Math.max(0, bits - 96)] : range);
      continue;
    }
    const addr = parseAddress(entry);
    if (addr) ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
    else if (/^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i.test(entry)) hosts.add(normalizeHost(entry));
    else throw new Error(`"${entry}" is not a host name, an address or a CIDR range`);
  }
  return { hosts, ranges };
}

let cached: { raw: string | undefined; list: AllowList } | null = null;

/** The allow-list from WARDEN_WEBHOOK_ALLOWED_HOSTS as it is now (parsed once per value). */
export function currentAllowList(): AllowList {
  const raw = process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS;
  if (!cached || cached.raw !== raw) cached = { raw, list: parseAllowList(raw) };
  return cached.list;
}

/**
 * May Warden connect to this address? `hostListed`: the URL's host name is on the allow-list
 * (then any address but a metadata endpoint is fine). Anything that doesn't parse is refused.
 */
export function addressAllowed(address: string, allow: AllowList, hostListed = false): boolean {
  const addr = parseAddress(address);
  if (!addr) return false;
  if (METADATA_ADDRESSES.includes(addr.toNormalizedString())) return false;
  if (hostListed) return true;
  if (allow.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return true;
  if (addr.range() !== "unicast") return false;
  return addr.kind() === "ipv4" || addr.match(GLOBAL_UNICAST_V6);
}

/**
 * Names refused whatever DNS says: cloud metadata services always, and names that mean this
 * machine (RFC 6761 `localhost`) unless the name itself is allow-listed (`hostListed`).
 */
export function hostNameForbidden(hostname: string, hostListed = false): boolean {
  const h = normalizeHost(hostname);
  if (METADATA_NAMES.has(h)) return true;
  return !hostListed && (h === "localhost" || h.endsWith(".localhost"));
}

/** The URL's host as a bare address (brackets of IPv6 removed), or null for a name. */
export function literalAddress(url: URL): string | null {
  const bare = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) ? bare : null;
}
