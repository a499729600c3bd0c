/**
 * The control plane's HTTP face: `route({permission, query, body, handler})` — check the
 * request target → authenticate (Bearer API token, or session cookie + same-origin check
 * against CSRF) → authorize with `can()` → parse (lib/validation's boundary rules, then zod)
 * → handler → map errors — and the one error mapper (errors.ts) from lib/errors' kinds to
 * status codes and the JSON error body. `ingress` (ingress.ts) is the first step of every
 * request on the HTTP server: who the client is (trusted proxies, forwarded.ts), undecodable
 * targets refused, JSON bodies for Next's bare 405.
 */
export { WardenError, badRequest, unauthorized, forbidden, notFound, conflict, toErrorBody, zodDetails, STATUS_OF_KIND, type ErrorBody } from "./errors.ts";
export { route, publicRoute, json, errorResponse, readJsonBody, readTextBody, authenticate, apiNotFound, DEFAULT_MAX_BODY_BYTES, type RouteContext } from "./route.ts";
export {
  clientIp,
  clientIpFromHeaders,
  requestHost,
  resolveClient,
  parseTrustedProxies,
  parseIp,
  CLIENT_IP_HEADER,
  CLIENT_HOST_HEADER,
  type ProxyTrust,
  type ClientView,
} from "./forwarded.ts";
export { ingress } from "./ingress.ts";
export { timeParam } from "../validation/index.ts";
