import { randomUUID, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ErrorCode, isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { isLoopback } from "./config.ts";
import type { Gateway } from "./gateway.ts";
import { checkJsonRpc, errorResponse } from "./jsonrpc-check.ts";
import type { Log } from "./log.ts";

export const MCP_PATH = "/mcp";
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 1000;
const SESSION_NOT_FOUND = -32001; // the SDK's code for an unknown Mcp-Session-Id

type Session = { transport: StreamableHTTPServerTransport; server: Server; lastSeen: number };

/**
 * Serves MCP over Streamable HTTP at `/mcp` with the SDK's `StreamableHTTPServerTransport`, one
 * transport and server face per session (`Mcp-Session-Id`). Bodies are read and checked here
 * first (malformed → -32700 / -32600 with status 400). On a loopback address the Host and
 * Origin headers must name this machine (DNS rebinding); with `token`, every request must send
 * `Authorization: Bearer <token>`.
 */
export async function serveHttp(gateway: Gateway, { host, port, token }: { host: string; port: number; token?: string }, log: Log): Promise<{ url: string; close: () => Promise<void> }> {
  const sessions = new Map<string, Session>();
  const loopback = isLoopback(host);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== MCP_PATH) return reply(res, 404, -32600, `Not found: the MCP endpoint is ${MCP_PATH}`);
    if (loopback && !fromThisMachine(req)) return reply(res, 403, -32600, "Forbidden: Host and Origin must name this machine");
    if (token !== undefined && !bearerMatches(req, token)) {
      res.setHeader("www-authenticate", 'Bearer realm="warden-mcp"');
      return reply(res, 401, -32600, "Unauthorized: send Authorization: Bearer <listen.http.token>");
    }
    const sessionId = header(req, "mcp-session-id");
    const session = sessionId === undefined ? undefined : sessions.get(sessionId);
    if (sessionId !== undefined && !session) return reply(res, 404, SESSION_NOT_FOUND, "Session not found: initialize a new session");
    if (session) session.lastSeen = Date.now();

    if (req.method !== "POST") {
      if (req.method !== "GET" && req.method !== "DELETE") {
        res.setHeader("allow", "GET, POST, DELETE");
        return reply(res, 405, -32600, `Method not allowed: ${req.method}`);
      }
      if (!session) return reply(res, 400, -32600, "Bad Request: send the Mcp-Session-Id of an initialized session");
      return session.transport.handleRequest(req, res);
    }

    const body = await readBody(req);
    if (body === null) return reply(res, 413, -32600, `Invalid Request: a body over ${MAX_BODY_BYTES} bytes`);
    const checked = checkJsonRpc(body, { allowBatch: true });
    // A well-formed request with bad params gets its JSON-RPC answer; what isn't JSON-RPC is a 400.
    if (!checked.ok) return replyProblem(res, checked.problem.code === ErrorCode.InvalidParams ? 200 : 400, checked.problem);
    const parsed: unknown = checked.batch ? checked.messages : checked.messages[0];
    if (session) return session.transport.handleRequest(req, res, parsed);
    if (!checked.messages.some((m) => isInitializeRequest(m))) return reply(res, 400, -32600, "Bad Request: no Mcp-Session-Id; start with an initialize request");
    if (sessions.size >= MAX_SESSIONS) await closeOldest();

    const server = gateway.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close().catch(() => undefined);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
  };

  const closeOldest = async () => {
    let oldest: [string, Session] | undefined;
    for (const e of sessions) if (!oldest || e[1].lastSeen < oldest[1].lastSeen) oldest = e;
    if (!oldest) return;
    sessions.delete(oldest[0]);
    await oldest[1].transport.close().catch(() => undefined);
  };

  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`HTTP ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) reply(res, 500, ErrorCode.InternalError, "Internal error");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    close: async () => {
      await Promise.all([...sessions.values()].map((s) => s.transport.close().catch(() => undefined)));
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function hostnameOf(value: string): string | null {
  try {
    return new URL(value.includes("://") ? value : `http://${value}`).hostname;
  } catch {
    return null;
  }
}

/** Both the Host and (when a browser sends one) the Origin must be a loopback name. */
function fromThisMachine(req: IncomingMessage): boolean {
  const host = header(req, "host");
  const h = host === undefined ? null : hostnameOf(host);
  if (h === null || !isLoopback(h)) return false;
  const origin = header(req, "origin");
  if (origin === undefined) return true;
  const o = hostnameOf(origin);
  return o !== null && isLoopback(o);
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const got = /^Bearer\s+(.+)$/i.exec(header(req, "authorization") ?? "")?.[1]?.trim() ?? "";
  const a = Buffer.from(got);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(over ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, code: number, message: string): void {
  replyProblem(res, status, { code, message, id: null });
}

function replyProblem(res: ServerResponse, status: number, problem: { code: number; message: string; id: string | number | null }): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(errorResponse(problem)));
}
