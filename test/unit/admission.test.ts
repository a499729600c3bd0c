import { afterEach, describe, expect, it } from "vitest";
import { Admission, decisionConcurrency, decisionQueue } from "../../lib/dataplane/index.ts";

const saved = { c: process.env.WARDEN_DECISION_CONCURRENCY, q: process.env.WARDEN_DECISION_QUEUE };
afterEach(() => {
  for (const [k, v] of [["WARDEN_DECISION_CONCURRENCY", saved.c], ["WARDEN_DECISION_QUEUE", saved.q]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("decision admission settings", () => {
  it("take positive integers and fall back to the defaults on anything else (never unbounded)", () => {
    for (const bad of ["", "0", "-3", "2.5", "many", "Infinity"]) {
      process.env.WARDEN_DECISION_CONCURRENCY = bad;
      process.env.WARDEN_DECISION_QUEUE = bad;
      expect([decisionConcurrency(), decisionQueue()]).toEqual([32, 1000]);
    }
    process.env.WARDEN_DECISION_CONCURRENCY = "4";
    process.env.WARDEN_DECISION_QUEUE = "50";
    expect([decisionConcurrency(), decisionQueue()]).toEqual([4, 50]);
  });
});

describe("Admission", () => {
  it("runs at most `limit` at once, the waiting ones first come first served, refuses beyond the queue, and frees the slot when a run fails", async () => {
    const a = new Admission(2, 3);
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const job = (name: string, fail = false) =>
      a.run(async () => {
        started.push(name);
        await new Promise<void>((r) => gates.set(name, r));
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const runs = [job("a", true), job("b"), job("c"), job("d"), job("e")];
    await expect(job("f")).rejects.toMatchObject({ code: "unavailable", kind: "unavailable", details: { retryAfterSeconds: 1 } });
    await Promise.resolve();
    expect(started).toEqual(["a", "b"]);
    expect(a.state()).toMatchObject({ active: 2, queued: 3, refused: 1 });
    gates.get("a")!();
    await expect(runs[0]).rejects.toThrow("a failed");
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(["a", "b", "c"]);
    for (const name of ["b", "c", "d", "e"]) {
      await new Promise((r) => setImmediate(r));
      gates.get(name)!();
    }
    expect(await Promise.all(runs.slice(1))).toEqual(["b", "c", "d", "e"]);
    expect(started).toEqual(["a", "b", "c", "d", "e"]);
    expect(a.state()).toMatchObject({ active: 0, queued: 0, admitted: 5, refused: 1 });
  });

  it("drops a waiting request whose client went away: it never runs, frees its queue place, and the next one takes the turn", async () => {
    const a = new Admission(1, 1);
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const job = (name: string, signal?: AbortSignal) =>
      a.run(async () => {
        started.push(name);
        await new Promise<void>((r) => gates.set(name, r));
        return name;
      }, signal);
    const first = job("first");
    const gone = new AbortController();
    const abandoned = job("abandoned", gone.signal);
    expect(a.state()).toMatchObject({ active: 1, queued: 1 });
    gone.abort();
    await expect(abandoned).rejects.toMatchObject({ code: "unavailable" });
    // Its place in the queue is free again.
    expect(a.state()).toMatchObject({ active: 1, queued: 0 });
    const next = job("next");
    await expect(job("refused")).rejects.toMatchObject({ code: "unavailable" });
    await Promise.resolve();
    gates.get("first")!();
    expect(await first).toBe("first");
    await new Promise((r) => setImmediate(r));
    gates.get("next")!();
    expect(await next).toBe("next");
    expect(started).toEqual(["first", "next"]);
    expect(a.state()).toMatchObject({ active: 0, queued: 0 });
    // Already gone before asking: not queued at all.
    const before = new AbortController();
    before.abort();
    await expect(a.run(async () => "never", before.signal)).rejects.toMatchObject({ code: "unavailable" });
  });
});
