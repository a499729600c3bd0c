import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** PostgreSQL COPY text format: escaping, NULLs, timestamps, JSON, and streaming rows in. */

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function esc(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : s;
}
export const opt = (s: string | null | undefined) => (s === null || s === undefined ? "\\N" : esc(s));
export const ts = (ms: number | null) => (ms === null ? "\\N" : new Date(ms).toISOString());
export const json = (v: unknown) => esc(JSON.stringify(v ?? {}));

export async function copyIn(client: pg.PoolClient, sql: string, source: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(source), stream);
  return stream.rowCount;
}
