import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { addressAllowed, currentAllowList, hostNameForbidden, literalAddress, lookupFailureOf, normalizeHost, systemResolver, type AllowList, type LookupFailure, type Resolver } from "./address-guard.ts";

/**
 * What a failed delivery records: no addresses, ports or resolver errors (they map the network).
 * "refused: …" is the SSRF guard saying no; "unresolvable: …" is DNS giving no address — the
 * name has none ("host not found") or the lookup failed ("lookup failed", may pass on retry).
 */
export type DeliveryFailure = "refused: address not allowed" | "refused: URL not allowed" | "unresolvable: host not found" | "unresolvable: lookup failed" | "connection failed" | "timed out";

class AddressRefused extends Error {
  constructor() {
    super("refused: address not allowed");
  }
}

/** The name gave no usable address (raised by guardedLookup, so it is told apart from a refusal). */
class HostUnresolvable extends Error {
  constructor(readonly failure: LookupFailure) {
    super(failure === "not_found" ? "unresolvable: host not found" : "unresolvable: lookup failed");
  }
}

/**
 * A `lookup` for node:net that resolves with `resolve` and refuses (AddressRefused) when any
 * address the name has is not allowed — checked as the socket connects, so a name that
 * resolved to a public address when the webhook was created and to 127.0.0.1 now (DNS
 * rebinding) is refused. A name with no usable address, or a failed lookup, fails with
 * HostUnresolvable instead: DNS trouble is never reported as a refusal, nor a refusal as DNS trouble.
 */
export function guardedLookup(resolve: Resolver, allow: AllowList, hostListed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
        const usable = found.filter((a) => family === 0 || a.family === family);
        if (found.some((a) => !addressAllowed(a.address, allow, hostListed))) return callback(new AddressRefused(), "", 0);
        const first = usable[0];
        if (!first) return callback(Object.assign(new HostUnresolvable("not_found"), { code: "ENOTFOUND" }), "", 0);
        if (options.all) return (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, usable);
        callback(null, first.address, first.family);
      },
      (err: unknown) => callback(Object.assign(new HostUnresolvable(lookupFailureOf(err)), { code: "ENOTFOUND" }), "", 0),
    );
  };
}

export type SendOptions = {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Where names are resolved: the system resolver unless a test points it elsewhere. */
  resolve?: Resolver;
  allow?: AllowList;
};

/**
 * POSTs a webhook through a connection whose every address is checked (see guardedLookup;
 * an address in the URL itself is checked before connecting). Redirects are not followed: a
 * 3xx is an answer like any other. Answers `{status}` for any HTTP answer, or
 * `{failure}` — one of a few fixed strings, never a network error's text.
 */
export async function sendWebhook(opts: SendOptions): Promise<{ status: number } | { failure: DeliveryFailure }> {
  const allow = opts.allow ?? currentAllowList();
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return { failure: "refused: URL not allowed" };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) return { failure: "refused: URL not allowed" };
  const literal = literalAddress(url);
  const hostListed = literal === null && allow.hosts.has(normalizeHost(url.hostname));
  if (literal !== null ? !addressAllowed(literal, allow) : hostNameForbidden(url.hostname, hostListed)) return { failure: "refused: address not allowed" };

  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { status: number } | { failure: DeliveryFailure }) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = client.request(url, {
      method: "POST",
      headers: { ...opts.headers, "content-length": String(Buffer.byteLength(opts.body)) },
      lookup: guardedLookup(opts.resolve ?? systemResolver, allow, hostListed),
      agent: false, // a fresh connection each time: no socket outlives the check that admitted it
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    req.on("response", (res) => {
      done({ status: res.statusCode ?? 0 });
      res.destroy(); // the body is not read
    });
    req.on("error", (err) => {
      if (err instanceof AddressRefused) done({ failure: "refused: address not allowed" });
      else if (err instanceof HostUnresolvable) done({ failure: err.failure === "not_found" ? "unresolvable: host not found" : "unresolvable: lookup failed" });
      else if (err.name === "TimeoutError" || err.name === "AbortError") done({ failure: "timed out" });
      else done({ failure: "connection failed" });
    });
    req.end(opts.body);
  });
}
