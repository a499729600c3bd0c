import { z } from "zod";

/**
 * A time in a query string (ISO 8601 or anything Date parses), within what PostgreSQL's
 * timestamptz holds and a person could mean: out of range is a 400, not a database error.
 */
export const timeParam = z.coerce
  .date({ error: "a date and time, e.g. 2026-11-25T10:00:00Z" })
  .min(new Date("1970-01-01T00:00:00Z"), "after 1970")
  .max(new Date("9999-12-31T23:59:59Z"), "before the year 10000");
