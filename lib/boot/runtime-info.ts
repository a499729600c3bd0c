import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { instanceId } from "../config/index.ts";

/** Where the running Warden listens, as recorded in `<data dir>/runtime.json`. */
export type RuntimeInfo = {
  /** The base URL a local client uses, e.g. `http://localhost:3105` (no trailing slash). */
  url: string;
  port: number;
  /** The process that listens (the primary when there are workers); dead = the file is stale. */
  pid: number;
  /** This start's id (lib/config `instanceId`), which `GET /api/health` answers too. */
  instanceId: string;
  /** ISO 8601, when the file was written. */
  startedAt: string;
};

const FILE = "runtime.json";
const dataDirOf = (dataDir?: string) => path.resolve(dataDir ?? process.env.WARDEN_DATA_DIR ?? ".data");

/** `<data dir>/runtime.json`; the data directory is `dataDir`, else WARDEN_DATA_DIR, else `.data`. */
export function runtimeInfoPath(dataDir?: string): string {
  return path.join(dataDirOf(dataDir), FILE);
}

/**
 * The URL a local client reaches a server listening on `host`:`port` by: `localhost` for the
 * wildcard addresses (`0.0.0.0`, `::`), else the address itself (IPv6 in brackets).
 */
export function localUrl(host: string, port: number): string {
  const h = host === "" || host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * Records where this Warden listens, for local scripts (`npm run demo:agents`) that should find
 * the running instance instead of guessing a port. Call once the server listens; pair it with
 * `removeRuntimeInfo()` on a clean stop. Written atomically (temporary file + rename), mode 600;
 * holds no secret. With several instances on one data directory, the last to start wins.
 *
 * @param info.url the base URL (e.g. `localUrl(HOST, PORT)`); its port is recorded as `port`
 * @param info.pid the listening process (default `process.pid`)
 * @param dataDir default WARDEN_DATA_DIR, else `.data`
 * @returns what was written, or null when it couldn't be (e.g. a read-only data directory):
 *   nothing but local scripts depends on the file, so that never stops a start
 */
export function writeRuntimeInfo(info: { url: string; pid?: number }, dataDir?: string): RuntimeInfo | null {
  const url = new URL(info.url);
  const written: RuntimeInfo = {
    url: url.origin,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    pid: info.pid ?? process.pid,
    instanceId: instanceId(),
    startedAt: new Date().toISOString(),
  };
  const file = runtimeInfoPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, `${JSON.stringify(written, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
    return written;
  } catch {
    rmSync(tmp, { force: true });
    return null;
  }
}

/**
 * Removes the runtime file if it is this start's (its instance id is ours), so a stop never
 * removes the record of another instance that started later on the same data directory.
 * Synchronous, never throws: safe in a shutdown path or an `exit` handler.
 *
 * @param dataDir default WARDEN_DATA_DIR, else `.data`
 * @returns whether a file was removed
 */
export function removeRuntimeInfo(dataDir?: string): boolean {
  try {
    if (readRuntimeInfo(dataDir)?.instanceId !== instanceId()) return false;
    rmSync(runtimeInfoPath(dataDir), { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The runtime file, or null when there is none. Says nothing about whether that Warden still
 * runs: check `pid` (`process.kill(pid, 0)`) and that `url` answers `GET /api/health` with
 * this `instanceId` before trusting it with credentials.
 *
 * @param dataDir default WARDEN_DATA_DIR, else `.data`
 * @throws Error "… is not a Warden runtime file" when it exists but isn't one (or can't be read)
 */
export function readRuntimeInfo(dataDir?: string): RuntimeInfo | null {
  const file = runtimeInfoPath(dataDir);
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new Error(`${file} can't be read: ${(err as Error).message}`);
  }
  let v: Partial<RuntimeInfo>;
  try {
    v = JSON.parse(raw) as Partial<RuntimeInfo>;
  } catch {
    throw new Error(`${file} is not a Warden runtime file (not JSON)`);
  }
  const ok =
    typeof v.url === "string" && /^https?:\/\//.test(v.url) && Number.isInteger(v.port) && Number.isInteger(v.pid) && (v.pid ?? 0) > 0 && typeof v.instanceId === "string" && typeof v.startedAt === "string";
  if (!ok) throw new Error(`${file} is not a Warden runtime file`);
  return v as RuntimeInfo;
}
