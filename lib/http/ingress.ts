import type { IncomingMessage, ServerResponse } from "node:http";
import { WardenError } from "../errors/index.ts";
import { findUndecodableTarget, validationError } from "../validation/index.ts";
import { toErrorBody } from "./errors.ts";
import { CLIENT_HOST_HEADER, CLIENT_IP_HEADER, resolveClient, type ProxyTrust } from "./forwarded.ts";

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload), "cache-control": "no-store" });
  res.end(payload);
}

type Fn = (...args: unknown[]) => unknown;

/**
 * Next.js answers a method a route file doesn't export with `405` and no body
 * (auto-implement-methods.ts: `new Response(null, {status: 405})`, sent as `writeHead(405)`
 * then `end()`). On `/api` every error has the JSON error shape, so that answer gets it: a
 * 405's `writeHead` is held back until we know whether a body follows; if `end` comes with
 * none, the JSON error body is sent instead.
 */
function jsonBodyForBare405(req: IncomingMessage, res: ServerResponse, path: string): void {
  const r = res as unknown as Record<"writeHead" | "write" | "end", Fn>;
  const writeHead = r.writeHead.bind(res);
  const write = r.write.bind(res);
  const end = r.end.bind(res);
  let held: unknown[] | null = null;
  // Once the answer is decided the wrappers only pass calls on. They stay in place: Node's own
  // end() calls writeHead, and Next's compression wraps these same methods after us, so
  // putting the originals back would cut compression out mid-response.
  let decided = false;
  const release = () => {
    decided = true;
    if (!held) return;
    const args = held;
    held = null;
    writeHead(...args);
  };
  r.writeHead = (...args: unknown[]) => {
    if (decided || args[0] !== 405 || res.headersSent) return writeHead(...args);
    held = args;
    res.statusCode = 405;
    return res;
  };
  r.write = (...args: unknown[]) => {
    release();
    return write(...args);
  };
  r.end = (...args: unknown[]) => {
    const bare = args[0] === undefined || args[0] === null || typeof args[0] === "function";
    if (decided || !bare || res.statusCode !== 405 || res.headersSent) {
      release();
      return end(...args);
    }
    decided = true;
    // Headers the held writeHead carried (`writeHead(405, headers)` or `(405, message, headers)`).
    const headers = held?.find((a, i) => i > 0 && a !== null && typeof a === "object") as Record<string, string | number | string[]> | undefined;
    held = null;
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    const { body } = toErrorBody(new WardenError("method_not_allowed", `${req.method} is not supported on ${path}`));
    const payload = JSON.stringify(body);
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.setHeader("content-length", Buffer.byteLength(payload));
    res.setHeader("cache-control", "no-store");
    const callback = args.find((a) => typeof a === "function");
    return callback ? end(payload, callback) : end(payload);
  };
}

/**
 * The first step of every request on Warden's one HTTP server (server.ts), before the data
 * plane or Next.js see it:
 *
 * 1. who the client is: the TCP peer, or — only when the peer is in WARDEN_TRUSTED_PROXIES —
 *    what X-Forwarded-For/-Host/-Proto say (forwarded.ts). The result is written to
 *    `x-warden-client-ip` and `x-warden-host` (incoming copies dropped) and the
 *    `x-forwarded-*` headers are rewritten to it, so nothing downstream (Next.js fills
 *    missing ones from the socket, next-auth) reads a forged value;
 * 2. outside `/v1` (the data plane checks its own): a path or query whose %-encoding is not
 *    UTF-8 or decodes to NUL is answered `400` here — `validation_failed` JSON on `/api`,
 *    plain text for pages;
 * 3. on `/api`: Next's body-less 405 gets the JSON error body.
 *
 * @returns true when the request was answered here (stop), false to pass it on
 */
export function ingress(req: IncomingMessage, res: ServerResponse, trust: ProxyTrust): boolean {
  const h = req.headers;
  const client = resolveClient(
    { peer: req.socket.remoteAddress, forwardedFor: h["x-forwarded-for"], forwardedHost: h["x-forwarded-host"], forwardedProto: h["x-forwarded-proto"], host: h.host },
    trust,
  );
  delete h[CLIENT_IP_HEADER];
  delete h[CLIENT_HOST_HEADER];
  delete h["x-forwarded-for"];
  delete h["x-forwarded-host"];
  delete h["x-forwarded-proto"];
  if (client.ip) h[CLIENT_IP_HEADER] = h["x-forwarded-for"] = client.ip;
  if (client.host) h[CLIENT_HOST_HEADER] = h["x-forwarded-host"] = client.host;
  if (client.proto) h["x-forwarded-proto"] = client.proto;

  const target = req.url ?? "/";
  if (target.startsWith("/v1/")) return false;
  const isApi = target === "/api" || target.startsWith("/api/") || target.startsWith("/api?");
  const problem = findUndecodableTarget(target);
  if (problem) {
    if (isApi) sendJson(res, 400, toErrorBody(validationError(problem)).body);
    else {
      res.writeHead(400, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end(`Bad request: ${problem.path} ${problem.message}\n`);
    }
    return true;
  }
  if (isApi) jsonBodyForBare405(req, res, target.split("?")[0]!);
  return false;
}
