import type { IncomingMessage, ServerResponse } from "node:http";
import { WardenError } from "../errors/index.ts";
import { toErrorBody } from "../http/index.ts";
import { parseJsonBody } from "../validation/index.ts";

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, serialized?: string): void {
  const payload = serialized ?? JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(payload);
}

/**
 * An answer that carries a version as ETag (knowledge reads): `304 Not Modified` without a
 * body when the client's If-None-Match already names it.
 */
export function sendVersioned(req: IncomingMessage, res: ServerResponse, read: { body: unknown; etag: string; version: number; json?: string }): void {
  const headers = { etag: read.etag, "x-warden-knowledge-version": String(read.version) };
  const match = req.headers["if-none-match"];
  if (typeof match === "string" && match.split(",").some((t) => t.trim().replace(/^W\//, "") === read.etag)) {
    res.writeHead(304, { ...headers, "cache-control": "no-cache" });
    res.end();
    return;
  }
  send(res, 200, read.json === undefined ? read.body : null, { ...headers, "cache-control": "no-cache" }, read.json);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { status, body, headers } = toErrorBody(err);
  send(res, status, body, headers); // Retry-After on 503 and 429, as on the control plane
}

/**
 * Reads a JSON body with a hard size cap, through the boundary validation both planes share
 * (lib/validation parseJsonBody: depth ≤ 64, clean text in values and keys, finite numbers).
 *
 * @throws WardenError `body_too_large` (413), `invalid_json` or `validation_failed` (400)
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw new WardenError("body_too_large", `Body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new WardenError("body_too_large", `Body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return parseJsonBody(Buffer.concat(chunks).toString("utf8"));
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}
