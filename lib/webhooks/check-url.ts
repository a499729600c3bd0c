import { badRequest } from "../errors/index.ts";
import { addressAllowed, currentAllowList, hostNameForbidden, literalAddress, lookupFailureOf, normalizeHost, systemResolver, type AllowList, type LookupFailure, type Resolver } from "./address-guard.ts";

const FORBIDDEN =
  "Webhooks are not sent inside the network: loopback, private, link-local, unique-local, carrier-grade NAT, unspecified and cloud metadata addresses are refused. To allow an intranet receiver, add its host name, address or range to WARDEN_WEBHOOK_ALLOWED_HOSTS.";

/**
 * Checks a webhook URL before it is stored, and answers it normalised by WHATWG URL parsing
 * (which also reads numeric hosts: 0x7f000001, 2130706433, 0177.0.0.1 and 127.1 are all
 * 127.0.0.1). A host name is resolved and every address it has must be allowed (address-guard.ts);
 * delivery checks again as it connects. Throws 400:
 * - `webhook_url_credentials` — the URL carries a user name or password;
 * - `webhook_url_forbidden` — the host is, or resolves to, an address Warden does not send to
 *   (only said of addresses the name actually has, or of names refused outright);
 * - `webhook_url_unresolvable` — the host name could not be turned into addresses, with
 *   `details: {reason: "not_found"}` (it has none) or `{reason: "lookup_failed"}` (DNS failed; try again).
 */
export async function checkWebhookUrl(raw: string, opts: { resolve?: Resolver; allow?: AllowList } = {}): Promise<string> {
  const allow = opts.allow ?? currentAllowList();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest("validation_failed", "url: an http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest("validation_failed", "url: an http(s) URL");
  if (url.username || url.password) {
    throw badRequest("webhook_url_credentials", "The webhook URL must not carry a user name or password; the receiver verifies the X-Warden-Signature header instead.");
  }
  const literal = literalAddress(url);
  if (literal !== null) {
    if (!addressAllowed(literal, allow)) throw badRequest("webhook_url_forbidden", FORBIDDEN);
    return url.href;
  }
  const listed = allow.hosts.has(normalizeHost(url.hostname));
  if (hostNameForbidden(url.hostname, listed)) throw badRequest("webhook_url_forbidden", FORBIDDEN);
  let addresses: { address: string }[];
  let failure: LookupFailure = "not_found";
  try {
    addresses = await (opts.resolve ?? systemResolver)(url.hostname);
  } catch (err) {
    addresses = [];
    failure = lookupFailureOf(err);
  }
  if (addresses.length === 0) {
    const message =
      failure === "not_found"
        ? `The webhook URL's host ${url.hostname} does not resolve: DNS has no address for it. Check the name.`
        : `The webhook URL's host ${url.hostname} could not be resolved: the DNS lookup failed. Try again later.`;
    throw badRequest("webhook_url_unresolvable", message, { reason: failure });
  }
  if (addresses.some((a) => !addressAllowed(a.address, allow, listed))) throw badRequest("webhook_url_forbidden", FORBIDDEN);
  return url.href;
}
