import type http from "node:http";
import net from "node:net";

/**
 * Where a connection is served: `data` (agents: its first request's target starts with `/v1/`)
 * on the data-plane workers, `control` (everything else: the dashboard, the control-plane API —
 * halts, approvals, policies) on the control-plane worker.
 */
export type ConnectionKind = "data" | "control";

/** The longest method the classifier waits for (RFC 9110 methods are short tokens). */
const MAX_METHOD = 24;
/** Bytes of the target that decide: `/v1/`. */
const DATA_PREFIX = "/v1/";

/**
 * Classifies a connection by the start of its first HTTP/1.1 request line (RFC 9112 §3:
 * `method SP request-target SP HTTP-version`), as server.ts routes a request (`/v1/*` to the
 * data plane). Returns null while `head` is too short to tell; a head that doesn't look like a
 * request line is `control` (the worker answers it with the HTTP server's own 400).
 */
export function connectionKind(head: Buffer): ConnectionKind | null {
  const sp = head.indexOf(0x20);
  if (sp < 0) return head.length > MAX_METHOD || head.includes(0x0a) ? "control" : null;
  const target = head.subarray(sp + 1, sp + 1 + DATA_PREFIX.length).toString("latin1");
  if (target.length < DATA_PREFIX.length) return /[ \r\n]/.test(target) ? "control" : null;
  return target === DATA_PREFIX ? "data" : "control";
}

/** The IPC message that carries a routed connection's socket to its worker, with the bytes already read from it. */
type ConnectionMessage = { cmd: "warden:connection"; head: string };
/** The IPC message a worker sends once it can take connections. */
export const READY_MESSAGE = { cmd: "warden:ready" } as const;

const isConnectionMessage = (m: unknown): m is ConnectionMessage => typeof m === "object" && m !== null && (m as ConnectionMessage).cmd === "warden:connection" && typeof (m as ConnectionMessage).head === "string";
export const isReadyMessage = (m: unknown): boolean => typeof m === "object" && m !== null && (m as { cmd?: unknown }).cmd === READY_MESSAGE.cmd;

/** Anything with node:cluster Worker's `send` (a socket handle travels with the message). */
export type RouteTarget = { send: (message: ConnectionMessage, handle: net.Socket, callback: (err: Error | null) => void) => boolean };

/** How long the primary waits for a new connection's first bytes before closing it (a client that connects and says nothing). */
const HEAD_TIMEOUT_MS = 10_000;
const NO_WORKER_BODY = JSON.stringify({ error: { code: "unavailable", message: "Warden is restarting its workers; retry shortly" } });
const NO_WORKER =
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\nretry-after: 1\r\nconnection: close\r\n" +
  `content-length: ${Buffer.byteLength(NO_WORKER_BODY)}\r\n\r\n${NO_WORKER_BODY}`;

/**
 * The primary's listener (node:cluster, WARDEN_WORKERS > 1): accepts every connection on the
 * port, reads the start of its first request (connectionKind), and hands the socket — with the
 * bytes read — to the worker `pick` names for its kind. Agents' connections go to the
 * data-plane workers, everyone else's to the control-plane worker, so a halt or an approval
 * never waits behind a worker's backlog of decisions (issue 16). A connection stays with its
 * worker for its life (keep-alive); each worker serves every route, so a connection that
 * changes plane mid-way is still answered right, only by the other kind of process.
 *
 * No worker to take it (all restarting): `503 unavailable` with Retry-After, and closed.
 * Reading stops in the same callback that classified the head (libuv's read loop checks it),
 * so every byte not in `head` is still in the kernel's buffer when the socket changes process.
 *
 * @throws Error from listenOn (port in use, …) — see lib/boot listenOn.
 */
export function routeConnections(pick: (kind: ConnectionKind) => RouteTarget | null): { server: net.Server; close: () => Promise<void> } {
  const reading = new Set<net.Socket>();
  // noDelay: what node:http's own listener sets on every connection it accepts (Nagle's
  // algorithm off), set here because the worker's HTTP server never accepts these sockets;
  // the option lives on the socket, so it holds in the worker. Without it a response written
  // in two parts waits for the client's delayed ACK (~40 ms).
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    reading.add(socket);
    const chunks: Buffer[] = [];
    const done = () => {
      reading.delete(socket);
      socket.off("data", onData);
      socket.setTimeout(0);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const head = chunks.length === 1 ? chunk : Buffer.concat(chunks);
      const kind = connectionKind(head);
      if (!kind) return;
      // Not one more byte into this process: what follows stays in the kernel for the worker.
      (socket as unknown as { _handle?: { readStop?: () => number } })._handle?.readStop?.();
      socket.pause();
      done();
      const target = pick(kind);
      if (!target) {
        socket.end(NO_WORKER);
        return;
      }
      target.send({ cmd: "warden:connection", head: head.toString("base64") }, socket, (err) => {
        if (err) socket.destroy();
      });
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
    socket.setTimeout(HEAD_TIMEOUT_MS, () => {
      done();
      socket.destroy();
    });
    socket.resume();
  });
  const close = async () => {
    await new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of reading) s.destroy();
    });
  };
  return { server, close };
}

/**
 * A worker's side of routeConnections: the sockets the primary sends become `server`'s
 * connections (the head it read is fed to the HTTP parser first), and the primary is told the
 * worker is ready. `close(deadlineMs)` refuses new sockets, closes connections as they go
 * idle (finishing requests in flight), and destroys what is still open at the deadline.
 */
export function receiveConnections(server: http.Server): { close: (deadlineMs?: number) => Promise<void> } {
  const open = new Set<net.Socket>();
  let closing = false;
  const onMessage = (message: unknown, handle: unknown) => {
    if (!isConnectionMessage(message) || !(handle instanceof net.Socket)) return;
    if (closing) {
      handle.destroy();
      return;
    }
    open.add(handle);
    handle.once("close", () => open.delete(handle));
    server.emit("connection", handle);
    handle.emit("data", Buffer.from(message.head, "base64"));
    handle.resume();
  };
  // What listen() would start: node:http tracks connections for headersTimeout/requestTimeout
  // (a client that never finishes its headers gets 408 and is closed) and closeIdleConnections
  // from the server's "listening" event; this server never listens itself.
  if (!server.listening) server.emit("listening");
  process.on("message", onMessage);
  process.send?.(READY_MESSAGE);
  const close = async (deadlineMs = 8_000) => {
    closing = true;
    process.off("message", onMessage);
    const deadline = Date.now() + deadlineMs;
    while (open.size > 0 && Date.now() < deadline) {
      server.closeIdleConnections();
      if (open.size === 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const s of open) s.destroy();
    // Stops the connection tracking started above (close() says "not running": it never listened).
    await new Promise((r) => server.close(r));
  };
  return { close };
}
