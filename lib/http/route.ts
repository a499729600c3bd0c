import type { z } from "zod";
import { can, principalFromCookies, type Permission, type Principal } from "../auth/index.ts";
import { authenticateApiToken } from "../tokens/index.ts";
import { assertDecodableTarget, assertSafeFields, parseJsonBody } from "../validation/index.ts";
import { forbidden, toErrorBody, unauthorized, WardenError } from "./errors.ts";
import { requestHost } from "./forwarded.ts";

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** An error as the JSON error body, with its status and headers (Retry-After on 429 and 503). */
export function errorResponse(err: unknown): Response {
  const { status, body, headers } = toErrorBody(err);
  return json(body, status, headers);
}

/** Bearer API token first, else the session cookie. Cookie-borne mutations must be same-origin. */
export async function authenticate(req: Request): Promise<Principal> {
  const auth = req.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const p = m ? await authenticateApiToken(m[1]!) : null;
    if (!p) throw unauthorized("Invalid, expired or revoked API token");
    return p;
  }
  const p = await principalFromCookies(req.headers.get("cookie"));
  if (!p) throw unauthorized();
  if (!["GET", "HEAD", "OPTIONS"].includes(req.method)) assertSameOrigin(req);
  return p;
}

// CSRF: a browser always sends Origin on cross-site POST/PUT/PATCH/DELETE; a session
// cookie may only act for a page of our own origin. The host compared is the one the ingress
// resolved: X-Forwarded-Host counts only from a trusted proxy (WARDEN_TRUSTED_PROXIES).
function assertSameOrigin(req: Request): void {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new WardenError("csrf", "Cross-site request refused");
  const origin = req.headers.get("origin");
  if (!origin) {
    if (site === "same-origin") return;
    throw new WardenError("csrf", "Cross-site request refused: missing Origin");
  }
  const host = requestHost(req);
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new WardenError("csrf", "Cross-site request refused: bad Origin");
  }
  if (!host || originHost !== host) throw new WardenError("csrf", "Cross-site request refused");
}

/** The body as text, refused (413) past `maxBytes` without reading more than that. */
export async function readTextBody(req: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new WardenError("body_too_large", `Body over ${maxBytes} bytes`);
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new WardenError("body_too_large", `Body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A control-plane JSON body, through the boundary validation both planes share
 * (lib/validation parseJsonBody): at most `maxBytes`, nesting ≤ 64, text without NUL or
 * unpaired surrogates (values and keys), finite numbers. An empty body is `{}`.
 *
 * @throws WardenError `body_too_large` (413), `unsupported_media_type` (415), `invalid_json`
 *   or `validation_failed` naming the path (400)
 */
export async function readJsonBody(req: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const text = await readTextBody(req, maxBytes);
  if (text.trim() === "") return {};
  const type = req.headers.get("content-type") ?? "";
  if (type && !type.includes("json")) throw new WardenError("unsupported_media_type", "Send the body as application/json");
  return parseJsonBody(text);
}

/** The path and query as the client sent them, checked to decode to clean text (400 otherwise). */
function checkTarget(req: Request): URL {
  const url = new URL(req.url);
  assertDecodableTarget(`${url.pathname}${url.search}`);
  return url;
}

/** Route parameters Next.js decoded, as strings, checked for text PostgreSQL refuses. */
async function safeParams(ctx: { params?: Promise<Params> } | undefined): Promise<Record<string, string>> {
  const rawParams = (await ctx?.params) ?? {};
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawParams)) if (typeof v === "string") params[k] = v;
  assertSafeFields(params, "params");
  return params;
}

type Params = Record<string, string | string[] | undefined>;

export type RouteContext<Q, B> = {
  req: Request;
  principal: Principal;
  query: Q;
  body: B;
  params: Record<string, string>;
};

type RouteConfig<QS extends z.ZodType, BS extends z.ZodType> = {
  /** The permission the caller's role must grant; there is no route without one. */
  permission: Permission;
  query?: QS;
  body?: BS;
  maxBodyBytes?: number;
  handler: (ctx: RouteContext<z.output<QS>, z.output<BS>>) => Promise<Response | unknown>;
  /** Status for a plain (non-Response) result. */
  status?: number;
  /**
   * Served to a session signed in with a temporary password (Principal.mustChangePassword);
   * every other route answers it 403 `password_change_required` until a new one is set.
   */
  duringPasswordChange?: boolean;
};

/**
 * The one shape of a control-plane handler: check the target → authenticate → authorize →
 * parse (params, query, body: lib/validation's boundary rules, then the route's zod schemas)
 * → handler → map errors. Used by every `app/api/**` route.
 */
export function route<QS extends z.ZodType = z.ZodUnknown, BS extends z.ZodType = z.ZodUnknown>(cfg: RouteConfig<QS, BS>) {
  return async (req: Request, ctx?: { params?: Promise<Params> }): Promise<Response> => {
    try {
      const url = checkTarget(req);
      const principal = await authenticate(req);
      if (principal.mustChangePassword && !cfg.duringPasswordChange) {
        throw new WardenError("password_change_required", "You signed in with a temporary password: set a new one first (POST /api/me/password)");
      }
      if (!can(principal.role, cfg.permission)) throw forbidden();
      const params = await safeParams(ctx);
      const rawQuery = Object.fromEntries(url.searchParams);
      assertSafeFields(rawQuery, "query");
      const query = cfg.query ? cfg.query.parse(rawQuery) : undefined;
      const body = cfg.body ? cfg.body.parse(await readJsonBody(req, cfg.maxBodyBytes)) : undefined;
      const result = await cfg.handler({ req, principal, query: query as z.output<QS>, body: body as z.output<BS>, params });
      return result instanceof Response ? result : json(result, cfg.status ?? 200);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For the few routes that need no session: still parsed and error-mapped the same way. */
export function publicRoute<BS extends z.ZodType = z.ZodUnknown>(cfg: {
  body?: BS;
  maxBodyBytes?: number;
  handler: (ctx: { req: Request; body: z.output<BS> }) => Promise<Response | unknown>;
  status?: number;
}) {
  return async (req: Request): Promise<Response> => {
    try {
      checkTarget(req);
      const body = cfg.body ? cfg.body.parse(await readJsonBody(req, cfg.maxBodyBytes)) : undefined;
      const result = await cfg.handler({ req, body: body as z.output<BS> });
      return result instanceof Response ? result : json(result, cfg.status ?? 200);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/**
 * The answer for an `/api` path no route serves (app/api/[[...slug]]/route.ts, every
 * method): `404 not_found` in the JSON error shape, not Next's HTML page.
 */
export async function apiNotFound(req: Request): Promise<Response> {
  let path = "this path";
  try {
    path = new URL(req.url).pathname;
  } catch {
    // keep the generic wording
  }
  return errorResponse(new WardenError("not_found", `No endpoint ${req.method} ${path}`));
}
