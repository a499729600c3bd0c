// CPU time of processes from /proc (Linux): what a benchmark run cost a server and PostgreSQL,
// per decision — steadier than throughput on a machine others share.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** [ppid, utime + stime in ms, cutime + cstime in ms (its reaped children's)] of a process, or null when it is gone. */
function stat(pid: number): [number, number, number] | null {
  try {
    // Fields after "comm)": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 over the whole line.
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return [Number(f[1]), ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND, ((Number(f[13]) + Number(f[14])) * 1000) / TICKS_PER_SECOND];
  } catch {
    return null;
  }
}

/**
 * The CPU milliseconds a whole process tree has used so far: the root, its live descendants,
 * and the children it reaped (e.g. PostgreSQL backends that ended since: the postmaster's
 * cutime/cstime), so connections opened and closed during a measurement count too.
 */
export function treeCpuMs(root: number): number {
  const reaped = stat(root)?.[2] ?? 0;
  return reaped + cpuMs(processTree(root));
}

/** `pid` and all its descendants (e.g. a PostgreSQL postmaster and its backends), as of now. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) parents.set(s[0], [...(parents.get(s[0]) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of parents.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** The CPU milliseconds (user + system) the processes have used so far; 0 for those gone. */
export function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (stat(pid)?.[1] ?? 0), 0);
}

/** The parent of a process (a PostgreSQL backend's postmaster), or null. */
export function parentOf(pid: number): number | null {
  return stat(pid)?.[0] ?? null;
}

/**
 * What a PostgreSQL process is, from its title: "backend" for client connections, else the
 * auxiliary process's name (walwriter, checkpointer, autovacuum worker, …), "postmaster" for the root.
 */
function pgRole(pid: number, root: number): string {
  if (pid === root) return "postmaster";
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
    const m = /^postgres: (.*)$/.exec(title);
    if (!m) return "other";
    const what = m[1]!;
    for (const aux of ["walwriter", "checkpointer", "background writer", "autovacuum worker", "autovacuum launcher", "io worker", "logical replication", "walsender", "walreceiver", "startup"]) if (what.startsWith(aux)) return aux;
    return "backend";
  } catch {
    return "gone";
  }
}

/**
 * The CPU milliseconds of a PostgreSQL process tree so far, by role (see pgRole); the children
 * the postmaster reaped count as "reaped" (ended backends and autovacuum workers).
 */
export function pgCpuByRole(root: number): Record<string, number> {
  const out: Record<string, number> = { reaped: stat(root)?.[2] ?? 0 };
  for (const pid of processTree(root)) {
    const role = pgRole(pid, root);
    out[role] = (out[role] ?? 0) + (stat(pid)?.[1] ?? 0);
  }
  return out;
}
