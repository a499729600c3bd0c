import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REDACTION_RULES, redactionTurn, redactorFor, REQUEST_WORK_BUDGET, ScanBudget } from "../../lib/redaction/index.ts";

// The CPU bound of PII redaction (issue #10 review: 8 hostile 78 KiB bodies kept a halt waiting
// 12.8 s). Asserted structurally — work units counted and capped, turns interleaved with I/O —
// never with a clock; bench/pii-hostile.ts prints the times.

const key = new TextEncoder().encode("unit-test-budget-key");
const pad = (n: number, w: number) => String(n).padStart(w, "0");
const fill = (size: number, item: (i: number) => string, sep: string) => {
  const parts: string[] = [];
  for (let i = 0, len = 0; len < size; i++) {
    const s = item(i);
    parts.push(s);
    len += s.length + sep.length;
  }
  return parts.join(sep);
};
const KiB = 1024;
/** A 78 KiB request as the review sent it: input and context full of phone-like digit groups. */
const hostile = (item: (i: number) => string) => ({ input: { notes: fill(62 * KiB, item, " ") }, context: { extra: fill(15 * KiB, item, " ") } });
const SHAPES: [string, (i: number) => string][] = [
  ["grouped French mobiles", (i) => `06 12 ${pad(Math.floor(i / 10000) % 100, 2)} ${pad(Math.floor(i / 100) % 100, 2)} ${pad(i % 100, 2)}`],
  ["compact French mobiles", (i) => `0612${pad(i, 6)}`],
  ["'00' groups", () => "00"],
  ["single digits", (i) => String(i % 10)],
];

function redactRequest(body: { input: unknown; context: unknown }, budget: ScanBudget) {
  const r = redactorFor(DEFAULT_REDACTION_RULES, key, budget);
  return { input: r.document("input", body.input), context: r.document("context", body.context), redactions: r.redactions };
}

describe("PII redaction work budget", () => {
  it.each(SHAPES)("bounds the work on a hostile 78 KiB body of %s: done within the budget or refused with 413", (_, item) => {
    const budget = new ScanBudget();
    let error: unknown = null;
    try {
      redactRequest(hostile(item), budget);
    } catch (e) {
      error = e;
    }
    if (error) {
      expect(error).toMatchObject({ code: "pii_scan_too_costly", kind: "too_large", details: { limit: REQUEST_WORK_BUDGET } });
      expect(budget.used).toBe(REQUEST_WORK_BUDGET + 1);
    } else expect(budget.used).toBeLessThanOrEqual(REQUEST_WORK_BUDGET);
  });

  it("refuses a body that would need more than the budget, however little it finds", () => {
    // 78 KiB of "00 00 …" holds no phone number but costs ~59,000 units unbounded.
    expect(() => redactRequest(hostile(() => "00"), new ScanBudget())).toThrow(expect.objectContaining({ code: "pii_scan_too_costly" }));
  });

  it("counts the linear part of the phone scan too, not only library calls", () => {
    // Single digits never reach libphonenumber: the candidate pieces tried are what is counted.
    const budget = new ScanBudget(1e9);
    redactRequest(hostile((i) => String(i % 10)), budget);
    expect(budget.used).toBeGreaterThan(1000);
  });

  it("shares one budget between the documents of a request", () => {
    const body = { input: { notes: fill(8 * KiB, (i) => `06 12 ${pad(Math.floor(i / 100) % 100, 2)} ${pad(i % 100, 2)} 00`, " ") }, context: {} };
    const probe = new ScanBudget(1e9);
    redactRequest(body, probe);
    const one = probe.used;
    expect(one).toBeGreaterThan(10);
    const budget = new ScanBudget(Math.floor(one * 1.5));
    const r = redactorFor(DEFAULT_REDACTION_RULES, key, budget);
    r.document("input", body.input);
    expect(() => r.document("context", body.input)).toThrow(expect.objectContaining({ code: "pii_scan_too_costly" }));
  });

  it("redacts a legitimate list of 1,000 phone numbers within the default budget", () => {
    const numbers = Array.from({ length: 1000 }, (_, i) => `0612${pad(i, 6)}`);
    const budget = new ScanBudget();
    const out = redactRequest({ input: { contacts: numbers.join(", ") }, context: {} }, budget);
    expect(out.redactions).toHaveLength(1000);
    expect((out.input as { contacts: string }).contacts).not.toMatch(/0612\d{6}/);
    expect(budget.used).toBeLessThan(REQUEST_WORK_BUDGET * 0.6);
  });
});

describe("redaction turns", () => {
  let server: net.Server;
  let client: net.Socket;
  let received: Promise<net.Socket>;
  beforeAll(async () => {
    server = net.createServer();
    received = new Promise((r) => server.once("connection", r));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    client = net.connect(port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    await received;
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((r) => server.close(r));
  });

  it("lets I/O that arrives during one request's redaction through before the next request's turn", async () => {
    const peer = await received;
    const log: string[] = [];
    const halted = new Promise<void>((r) => peer.once("data", () => (log.push("halt received"), r())));
    // Each within the budget: 1,000 numbers in a list.
    const body = { input: { contacts: Array.from({ length: 1000 }, (_, i) => `0612${pad(i, 6)}`).join(", ") }, context: {} };
    // Eight requests' redactions queued at once, as eight hostile bodies in flight; a "halt"
    // (real bytes over a real socket) is sent while the first one is being redacted.
    const turns = Array.from({ length: 8 }, (_, k) =>
      redactionTurn(() => {
        log.push(`turn ${k}`);
        if (k === 0) client.write("halt");
        return redactRequest(body, new ScanBudget()).redactions.length;
      }),
    );
    const [counts] = await Promise.all([Promise.all(turns), halted]);
    expect(counts).toEqual(Array.from({ length: 8 }, () => 1000));
    // Without turns all eight would run back to back before the socket is read. With them the
    // halt waits for the turn it arrived in, and at most the one already scheduled.
    const at = log.indexOf("halt received");
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(2);
    expect(log.filter((x) => x.startsWith("turn"))).toEqual(Array.from({ length: 8 }, (_, k) => `turn ${k}`));
  });

  it("keeps taking turns after one request's redaction is refused", async () => {
    const refused = redactionTurn(() => redactRequest(hostile(() => "00"), new ScanBudget()));
    const next = redactionTurn(() => "next");
    await expect(refused).rejects.toMatchObject({ code: "pii_scan_too_costly" });
    await expect(next).resolves.toBe("next");
  });
});
