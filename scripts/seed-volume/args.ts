import { parseArgs } from "node:util";


export type VolumeArgs = { events: number; days: number; agents: number; seed: number | undefined; help: boolean };

export const VOLUME_USAGE = "usage: npm run seed:volume -- [--events N (default 1000000)] [--days D (default 30)] [--agents A (default 60)] [--seed S]";

const MAX_EVENTS = 100_000_000;

function integerArg(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const text = raw.trim().replace(/_/g, "");
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`--${name} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}, got ${raw}`);
  return n;
}

/** Parses seed:volume's arguments; throws an Error with a readable message on bad ones. */
export function parseVolumeArgs(argv: string[]): VolumeArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { events: { type: "string" }, days: { type: "string" }, agents: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (err) {
    throw new Error((err as Error).message);
  }
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const events = integerArg("events", str("events"), 1_000_000, 1, MAX_EVENTS);
  const agents = integerArg("agents", str("agents"), 60, 1, 10_000);
  const seed = str("seed") === undefined ? undefined : integerArg("seed", str("seed"), 0, 0, 0xffffffff);
  const daysRaw = str("days");
  let days = 30;
  if (daysRaw !== undefined) {
    days = /^\s*\d+(\.\d+)?\s*$/.test(daysRaw) ? Number(daysRaw) : NaN;
    if (!(days > 0 && days <= 3650)) throw new Error(`--days must be a number of days above 0 and at most 3650, got "${daysRaw}"`);
  }
  return { events, days, agents, seed, help: values.help === true };
}
