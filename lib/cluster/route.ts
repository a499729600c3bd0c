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
type ConnectionMessage = { cmd: "warden:connection"; id: number; head: string };
/** The IPC message a worker sends once it can take connections. */
export const READY_MESSAGE = { cmd: "warden:ready" } as const;
/** The IPC message a worker sends when it stops taking connections (it is draining). */
export const DRAINING_MESSAGE = { cmd: "warden:draining" } as const;

const isConnectionMessage = (m: unknown): m is ConnectionMessage =>
  typeof m === "object" && m !== null && (m as ConnectionMessage).cmd === "warden:connection" && typeof (m as ConnectionMessage).head === "string" && Number.isSafeInteger((m as ConnectionMessage).id);
const isCmd = (m: unknown, cmd: string): boolean => typeof m === "object" && m !== null && (m as { cmd?: unknown }).cmd === cmd;
export const isReadyMessage = (m: unknown): boolean => isCmd(m, READY_MESSAGE.cmd);
export const isDrainingMessage = (m: unknown): boolean => isCmd(m, DRAINING_MESSAGE.cmd);
/** The worker's receipt of a connection (`id`): the primary closes its own copy of the socket. */
export const receiptOf = (m: unknown): number | null => (isCmd(m, "warden:got") && Number.isSafeInteger((m as { id?: unknown }).id) ? (m as { id: number }).id : null);

/** Anything with node:cluster Worker's `send` (a socket handle travels with the message). */
export type RouteTarget = { send: (message: ConnectionMessage, handle: net.Socket, options: { keepOpen: boolean }, callback: (err: Error | null) => void) => boolean };

/** How long the primary waits for a new connection's first bytes before closing it (a deadline, however the bytes trickle in). */
const HEAD_TIMEOUT_MS = 10_000;
/** How long a worker may take to acknowledge a connection before the primary gives up on it. */
const RECEIPT_TIMEOUT_MS = 10_000;
const NO_WORKER_BODY = JSON.stringify({ error: { code: "unavailable", message: "Warden is restarting its workers; retry shortly" } });
const NO_WORKER =
  "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\nretry-after: 1\r\nconnection: close\r\n" +
  `content-length: ${Buffer.byteLength(NO_WORKER_BODY)}\r\n\r\n${NO_WORKER_BODY}`;

export type Router = {
  server: net.Server;
  /** Stops listening and drops connections not yet handed over; doesn't wait for the workers' connections. */
  close: () => void;
  /** A worker's receipt (receiptOf): the primary's copy of that socket is closed. */
  received: (id: number) => void;
  /** `target` is gone (exited): the connections sent to it and not acknowledged are closed (their clients see the connection drop, as with a worker's own). */
  abandon: (target: RouteTarget) => void;
};

/**
 * The primary's listener (node:cluster, WARDEN_WORKERS > 1): accepts every connection on the
 * port, reads the start of its first request (connectionKind), and hands the socket — with the
 * bytes read — to the worker `pick` names for its kind. Agents' connections go to the
 * data-plane workers, everyone else's to the control-plane worker, so a halt or an approval
 * isn't served by an event loop full of decisions (issue 16). A connection stays with its
 * worker for its life (keep-alive); each worker serves every route, so a connection that
 * changes plane mid-way is still answered right, only by the other kind of process.
 *
 * Reading stops in the same callback that classified the head (libuv's read loop checks it),
 * so every byte not in `head` is still in the kernel's buffer when the socket changes process.
 * The primary keeps its copy of the socket until the worker acknowledges it (`received`), so a
 * worker that dies first doesn't leave it open (`abandon`), nor does one that never answers
 * (RECEIPT_TIMEOUT_MS). No worker to take it (all restarting): `503 unavailable` with
 * Retry-After, then closed.
 */
export function routeConnections(pick: (kind: ConnectionKind) => RouteTarget | null): Router {
  const reading = new Set<net.Socket>();
  const pending = new Map<number, { socket: net.Socket; target: RouteTarget; timer: NodeJS.Timeout }>();
  let nextId = 1;
  const forget = (id: number) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.socket.destroy(); // the primary's descriptor only: no FIN, the worker's copy serves on
  };
  // noDelay: what node:http's own listener sets on every connection it accepts (Nagle's
  // algorithm off), set here because the worker's HTTP server never accepts these sockets;
  // the option lives on the socket, so it holds in the worker. Without it a response written
  // in two parts waits for the client's delayed ACK (~40 ms).
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    reading.add(socket);
    const chunks: Buffer[] = [];
    const deadline = setTimeout(() => socket.destroy(), HEAD_TIMEOUT_MS);
    const done = () => {
      reading.delete(socket);
      clearTimeout(deadline);
      socket.off("data", onData);
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
        // Reading stopped, so the client's close would go unseen: closed here once it had time to read the answer.
        socket.end(NO_WORKER);
        setTimeout(() => socket.destroy(), 1000).unref();
        return;
      }
      const id = nextId++;
      pending.set(id, { socket, target, timer: setTimeout(() => forget(id), RECEIPT_TIMEOUT_MS) });
      target.send({ cmd: "warden:connection", id, head: head.toString("base64") }, socket, { keepOpen: true }, (err) => {
        if (err) forget(id);
      });
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
    socket.once("close", done);
    socket.resume();
  });
  // Accept errors (EMFILE is absorbed by libuv) are logged, never thrown: the primary supervises every worker.
  server.on("error", (err) => console.error(`[warden] listener: ${err.message}`));
  return {
    server,
    close: () => {
      if (server.listening) server.close();
      for (const s of reading) s.destroy();
    },
    received: forget,
    abandon: (target) => {
      for (const [id, p] of pending) if (p.target === target) forget(id);
    },
  };
}

/**
 * A worker's side of routeConnections: the sockets the primary sends become `server`'s
 * connections (the head it read is fed to the HTTP parser first), and the primary is told the
 * worker is ready. Each socket is acknowledged (`warden:got`), so the primary can close its
 * copy. `close(deadlineMs)` tells the primary it is draining, refuses sockets still on their way,
 * closes connections as they go idle (finishing requests in flight), and destroys what is still
 * open at the deadline.
 */
export function receiveConnections(server: http.Server): { close: (deadlineMs?: number) => Promise<void> } {
  const open = new Set<net.Socket>();
  let closing = false;
  const onMessage = (message: unknown, handle: unknown) => {
    if (!isConnectionMessage(message)) return;
    // Acknowledged whatever happens here: the primary then closes its copy of the socket.
    process.send?.({ cmd: "warden:got", id: message.id });
    if (!(handle instanceof net.Socket)) return;
    if (closing) {
      handle.destroy(); // sent before the primary heard this worker is draining
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
    // Still listening for hand-offs already on their way (to close them), but told no more.
    closing = true;
    if (process.connected) process.send?.(DRAINING_MESSAGE);
    const deadline = Date.now() + deadlineMs;
    while (open.size > 0 && Date.now() < deadline) {
      server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const s of open) s.destroy();
    // Stops the connection tracking started above (close() says "not running": it never listened).
    await new Promise((r) => server.close(r));
    process.off("message", onMessage);
  };
  return { close };
}
