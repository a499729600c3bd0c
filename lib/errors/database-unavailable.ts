// Socket errors that mean the server can't be reached or the connection died.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNABORTED"]);
// PostgreSQL SQLSTATEs (manual, Appendix A): class 08 connection exceptions; 57P01
// admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, in recovery);
// 57014 query_canceled (our statement_timeout); 53300 too_many_connections; 55P03 lock_not_available.
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "57014", "53300", "55P03"]);
// Prisma's codes for the same: can't reach, timed out, server closed the connection, no
// connection from the pool in time, transaction not started (or expired) in time.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
// What @prisma/adapter-pg calls them (a DriverAdapterError's cause.kind).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// node-postgres's own messages for timeouts and dead connections (they carry no code).
const PG_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection error and is not queryable|Client was closed and is not queryable|terminating connection/i;

type Loose = { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };

/**
 * Recognises driver errors (node-postgres, Prisma, @prisma/adapter-pg, Node's sockets) that
 * mean "the database is unavailable" — connection refused, reset or timed out, the server
 * shutting down or starting, our statement/connect timeouts, no pool connection in time — as
 * opposed to errors about the request (a constraint violation) or bugs. Looks through
 * `cause` and Prisma's `meta.driverAdapterError`. Pure; never throws.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== "object" || err === null || depth > 4) return false;
  const e = err as Loose;
  if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || PRISMA_CODES.has(e.code) || SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === "string" && PG_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}
