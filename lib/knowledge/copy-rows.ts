import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/**
 * Streams rows into a table with COPY (text format): a 100,000-record import is written in one
 * pass instead of as huge array parameters. Escaping per PostgreSQL's COPY text format
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2): backslash, tab,
 * newline and carriage return are escaped; `\N` is NULL.
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One COPY field: a string (escaped), NULL for null/undefined. */
export function copyField(v: string | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : v;
}

export async function copyRows(client: pg.PoolClient, sql: string, rows: Iterable<(string | null | undefined)[]>): Promise<void> {
  function* lines() {
    let batch = "";
    for (const r of rows) {
      batch += `${r.map(copyField).join("\t")}\n`;
      if (batch.length > 64 * 1024) {
        yield batch;
        batch = "";
      }
    }
    if (batch) yield batch;
  }
  await pipeline(Readable.from(lines()), client.query(copyFrom(sql)));
}
