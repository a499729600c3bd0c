import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * One statement of a pipelined round trip: literal SQL (sent with the simple query protocol; it
 * may hold several statements), or a parameterised statement. A statement made by `prepared`
 * carries a name and is parsed and planned once per connection (PostgreSQL's named prepared
 * statements; a generic plan once it is cheaper), not once per batch.
 */
export type Statement = string | pg.QueryConfig;

const names = new Map<string, string>();

/**
 * A parameterised statement PostgreSQL keeps prepared on each connection, named after its text
 * (`w_` + 24 hex digits of its SHA-256), so the same text always has the same name. Only for
 * texts that don't vary with the data (variable-length input goes in array parameters, e.g.
 * `unnest($1::text[])`): every distinct text costs each connection a prepared statement.
 */
export function prepared(text: string, values: unknown[] = []): pg.QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `w_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values };
}

/**
 * Sends `statements` in one round trip on a client in pipeline mode (`new pg.Pool({pipeline:
 * true})`: each statement is written at once, without waiting for the one before) and resolves
 * with their results in order. When any fails, waits for all of them, then rejects with the
 * first failure in statement order (in a transaction block, those after it fail with 25P02 —
 * not the cause). A multi-statement literal yields an array of results, as `client.query` does.
 * When the last statement is "COMMIT", throws unless the server answered COMMIT.
 */
export async function pipeline(client: pg.ClientBase, statements: Statement[]): Promise<pg.QueryResult[]> {
  // pg writes each statement's messages under a cork of its own (one write each); held corked
  // across the whole round trip they leave in one write, so the server reads one packet.
  // (A pipelined client writes each query as it is queued, synchronously.)
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  const queries: Promise<pg.QueryResult>[] = [];
  let refused: unknown = null;
  try {
    for (const s of statements) queries.push(client.query(s as pg.QueryConfig));
  } catch (err) {
    refused = err ?? new Error("statement refused");
  } finally {
    stream?.uncork?.();
  }
  if (refused !== null) {
    // A statement pg refused before sending it: the ones already written still answer first.
    await Promise.allSettled(queries);
    throw refused;
  }
  const settled = await Promise.allSettled(queries);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const results = settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
  // A COMMIT of a transaction that failed earlier answers ROLLBACK, not an error: never report it as committed.
  if (statements[statements.length - 1] === "COMMIT" && results[results.length - 1]?.command !== "COMMIT") {
    throw new Error(`the transaction did not commit (the server answered ${results[results.length - 1]?.command ?? "nothing"})`);
  }
  return results;
}

/** A PostgreSQL array literal of text (`{"a","b\"c"}`), for a `text[]` that is one element of an array parameter (`unnest($1::text[])` yields it, `::text[]` reads it). */
export function textArrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}
