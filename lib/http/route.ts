import type { z } from "zod";
import { can, principalFromCookies, type Permission, type Principal } from "../auth/index.ts";
import { authenticateApiToken } from "../tokens/index.ts";
import { badRequest, forbidden, toErrorBody, unauthorized, WardenError } from "./errors.ts";

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(err: unknown): Response {
  const { status, body, headers } = toErrorBody(err);
  return json(body, status, headers);
}

export function clientIp(req: Request): string | null {
  return req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || req.headers.get("x-real-ip") || null;
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
// cookie may only act for a page of our own origin.
function assertSameOrigin(req: Request): void {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new WardenError("csrf", "Cross-site request refused");
  const origin = req.headers.get("origin");
  if (!origin) {
    if (site === "same-origin") return;
    throw new WardenError("csrf", "Cross-site request refused: missing Origin");
  }
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
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

export async function readJsonBody(req: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  const text = await readTextBody(req, maxBytes);
  if (text.trim() === "") return {};
  const type = req.headers.get("content-type") ?? "";
  if (type && !type.includes("json")) throw new WardenError("unsupported_media_type", "Send the body as application/json");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("invalid_json", "The body is not valid JSON");
  }
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
};

/**
 * The one shape of a control-plane handler: authenticate → authorize → parse → handler →
 * map errors. Used by every `app/api/**` route.
 */
export function route<QS extends z.ZodType = z.ZodUnknown, BS extends z.ZodType = z.ZodUnknown>(cfg: RouteConfig<QS, BS>) {
  return async (req: Request, ctx?: { params?: Promise<Params> }): Promise<Response> => {
    try {
      const principal = await authenticate(req);
      if (!can(principal.role, cfg.permission)) throw forbidden();
      const url = new URL(req.url);
      const query = cfg.query ? cfg.query.parse(Object.fromEntries(url.searchParams)) : undefined;
      const body = cfg.body ? cfg.body.parse(await readJsonBody(req, cfg.maxBodyBytes)) : undefined;
      const rawParams = (await ctx?.params) ?? {};
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) if (typeof v === "string") params[k] = v;
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
      const body = cfg.body ? cfg.body.parse(await readJsonBody(req, cfg.maxBodyBytes)) : undefined;
      const result = await cfg.handler({ req, body: body as z.output<BS> });
      return result instanceof Response ? result : json(result, cfg.status ?? 200);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
