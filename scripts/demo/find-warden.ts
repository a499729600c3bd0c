import { readRuntimeInfo, runtimeInfoPath } from "../../lib/boot/index.ts";

/** Where the demo sends its credentials, and how it found it. */
export type Located = { url: string; via: "WARDEN_URL" | "PORT" | "runtime file" };

/** Something answers where the demo looked, but it isn't (this) Warden: refuse, don't retry. */
export class NotWarden extends Error {}
/** Nothing to talk to yet (not started, stopped, still starting): worth waiting for. `where` is the URL or file looked at. */
export class NotReady extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

const HOW = "Point the demo at Warden with WARDEN_URL (the URL `npm start` printed, e.g. WARDEN_URL=http://localhost:3105), or run it with the same PORT or WARDEN_DATA_DIR as `npm start`.";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // it runs, as another user
  }
}

/**
 * Checks that `url` answers `GET /api/health` as Warden (`service: "warden"`; with
 * `instance`, as that very start) before anything secret is sent there. Sends no credential
 * and follows no redirect.
 *
 * @throws NotReady when nothing answers within `timeoutMs` or Warden's database is down
 * @throws NotWarden when something answers that isn't Warden (or is another Warden than `instance`)
 */
export async function assertWarden(url: string, instance?: string, timeoutMs = 5000): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${url}/api/health`, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message;
    throw new NotReady(url, (err as Error).name === "TimeoutError" ? `no answer to GET /api/health in ${timeoutMs / 1000} s` : `${(err as Error).message}${cause ? ` (${cause})` : ""}`);
  }
  const text = await res.text().catch(() => "");
  let body: { service?: unknown; instance?: unknown; db?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: not Warden
  }
  if (body?.service !== "warden") {
    const said = text.replace(/\s+/g, " ").trim().slice(0, 80);
    throw new NotWarden(`Something answers at ${url}, but it is not Warden (GET /api/health → ${res.status}${said ? ` "${said}"` : ""}): not sending credentials there. ${HOW}`);
  }
  if (instance !== undefined && body.instance !== instance) {
    throw new NotWarden(`Another Warden answers at ${url} (instance ${String(body.instance)}), not the one recorded in the runtime file (${instance}): not sending credentials there. ${HOW}`);
  }
  if (!res.ok) throw new NotReady(url, `Warden answers GET /api/health ${res.status}${body.db === "down" ? " (its database is down)" : ""}`);
}

/**
 * Finds the Warden the demo should drive, in this order: `WARDEN_URL`; else
 * `http://localhost:$PORT` when PORT is set; else the runtime file the running Warden wrote in
 * its data directory (`$WARDEN_DATA_DIR/runtime.json`, default `.data`; lib/boot
 * `writeRuntimeInfo`) — whose process must be alive and whose URL must answer as that very
 * start. Never guesses a port: a newcomer who started Warden on 3105 must not send the demo's
 * admin password to whatever answers on 3000.
 *
 * @throws NotWarden (refuse) or NotReady (nothing yet: wait, or give up) — both say how to point the demo
 */
export async function findWarden(env: Record<string, string | undefined> = process.env, timeoutMs = 5000): Promise<Located> {
  if (env.WARDEN_URL) {
    const url = env.WARDEN_URL.replace(/\/+$/, "");
    await assertWarden(url, undefined, timeoutMs);
    return { url, via: "WARDEN_URL" };
  }
  if (env.PORT) {
    const url = `http://localhost:${env.PORT}`;
    await assertWarden(url, undefined, timeoutMs);
    return { url, via: "PORT" };
  }
  const file = runtimeInfoPath(env.WARDEN_DATA_DIR);
  let info;
  try {
    info = readRuntimeInfo(env.WARDEN_DATA_DIR);
  } catch (err) {
    throw new NotWarden(`${(err as Error).message}. ${HOW}`);
  }
  if (!info) throw new NotReady(file, "no running Warden recorded there (`npm start` writes it once it listens)");
  if (!alive(info.pid)) throw new NotReady(info.url, `the Warden recorded in ${file} (pid ${info.pid}) is not running`);
  await assertWarden(info.url, info.instanceId, timeoutMs);
  return { url: info.url, via: "runtime file" };
}
