import ipaddr from "ipaddr.js";

/**
 * Which peers may tell Warden who the client is (X-Forwarded-For) and which host it asked
 * for (X-Forwarded-Host, X-Forwarded-Proto): the reverse proxies and load balancers in front
 * of it, from WARDEN_TRUSTED_PROXIES (addresses or CIDR ranges, comma-separated). Without the
 * setting nobody is trusted: the client is the TCP peer and the host is the Host header, so
 * a forged X-Forwarded-For can't reach the audit log and a forged X-Forwarded-Host can't pass
 * the CSRF check.
 */
export type ProxyTrust = { ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][] };

/** The request headers the ingress (server.ts) sets after resolving the client; any incoming copy is dropped. */
export const CLIENT_IP_HEADER = "x-warden-client-ip";
export const CLIENT_HOST_HEADER = "x-warden-host";

/** An address as ipaddr.js objects, IPv4-mapped IPv6 unwrapped, zone ids and brackets removed; null when not one. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare);
}

/**
 * Parses WARDEN_TRUSTED_PROXIES. Entries: an address (`10.0.0.7`, `::1`) or a CIDR range
 * (`10.0.0.0/8`, `fd00::/8`); IPv4-mapped forms are folded to IPv4.
 *
 * @throws Error naming the first entry that is neither
 */
export function parseTrustedProxies(raw: string | undefined): ProxyTrust {
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of (raw ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const [text = "", bits] = entry.replace(/^\[|\](?=\/|$)/g, "").split("/");
    // Dotted-quad IPv4 only: "10" or "0x0a000001" in a proxy list is more likely a typo than meant.
    if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) throw new Error(`"${entry}" is not an address or a CIDR range`);
    if (bits !== undefined) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(`${text}/${bits}`);
      } catch {
        throw new Error(`"${entry}" is not a CIDR range`);
      }
      const [net, size] = range;
      ranges.push(net instanceof ipaddr.IPv6 && net.isIPv4MappedAddress() ? [net.toIPv4Address(), Math.max(0, size - 96)] : range);
      continue;
    }
    const addr = ipaddr.process(text);
    ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
  }
  return { ranges };
}

function trusted(addr: ipaddr.IPv4 | ipaddr.IPv6, trust: ProxyTrust): boolean {
  return trust.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

function firstValue(header: string | string[] | undefined): string | null {
  const v = Array.isArray(header) ? header[0] : header;
  const first = v?.split(",")[0]?.trim();
  return first ? first : null;
}

export type ClientView = {
  /** The client's address (normalised text), or null when the peer's is unknown. */
  ip: string | null;
  /** The host the client asked for (`warden.example.com`, with the port when not default). */
  host: string | null;
  /** `https` or `http`, as the client used it; null when only the socket could tell. */
  proto: string | null;
};

/**
 * Who the client is, walking X-Forwarded-For from the right (the hop nearest to Warden)
 * past trusted proxies only, as RFC 7239 §7.4 and proxy-addr do: the first address not
 * trusted is the client; entries left of it are whatever the client claimed and are ignored.
 * X-Forwarded-Host and -Proto count only when the TCP peer itself is a trusted proxy.
 */
export function resolveClient(
  input: { peer: string | undefined; forwardedFor?: string | string[]; forwardedHost?: string | string[]; forwardedProto?: string | string[]; host?: string },
  trust: ProxyTrust,
): ClientView {
  const peer = input.peer ? parseIp(input.peer) : null;
  const peerTrusted = peer !== null && trusted(peer, trust);
  if (!peer || !peerTrusted) return { ip: peer?.toString() ?? null, host: input.host ?? null, proto: null };
  const hops = (Array.isArray(input.forwardedFor) ? input.forwardedFor.join(",") : (input.forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0 && trusted(client, trust); i--) {
    const next = parseIp(hops[i]!);
    // A hop that isn't an address: the last trusted proxy is as close as we can tell.
    if (!next) break;
    client = next;
  }
  const proto = firstValue(input.forwardedProto)?.toLowerCase() ?? null;
  return {
    ip: client.toString(),
    host: firstValue(input.forwardedHost) ?? input.host ?? null,
    proto: proto === "https" || proto === "http" ? proto : null,
  };
}

/** The client address the ingress resolved, from a web Request (control-plane routes). */
export function clientIp(req: Request): string | null {
  return req.headers.get(CLIENT_IP_HEADER);
}

/** The same from a plain header record (next-auth's `authorize(credentials, req)`). */
export function clientIpFromHeaders(headers: Record<string, unknown> | undefined): string | null {
  const v = headers?.[CLIENT_IP_HEADER];
  return typeof v === "string" && v ? v : null;
}

/** The host the client asked for, as the ingress resolved it; the Host header when called without it (tests). */
export function requestHost(req: Request): string | null {
  return req.headers.get(CLIENT_HOST_HEADER) ?? req.headers.get("host");
}
