import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionDenied, ApprovalTimeout, Warden, WardenError, WardenUnavailable, type ActionAnswer } from "../../sdk/src/index.ts";

// A scripted stand-in for Warden's data plane: each request gets the next scripted reply, and
// every request is kept so tests can check what the SDK sent.
type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: unknown };
type JsonReply = { status?: number; json?: unknown; raw?: string; delayMs?: number; headers?: Record<string, string> };
type Reply = JsonReply | "hang" | "stall-body";

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fakeWarden(script: Reply[] | ((req: Seen, index: number) => Reply)) {
  const seen: Seen[] = [];
  const next = (req: Seen, i: number): Reply =>
    typeof script === "function" ? script(req, i) : (script[i] ?? { status: 599, json: { error: { code: "unscripted", message: `no reply scripted for request ${i}` } } });
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const s: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
      seen.push(s);
      const reply = next(s, seen.length - 1);
      if (reply === "hang") return;
      if (reply === "stall-body") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":');
        return;
      }
      const send = () => {
        res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
        res.end(reply.raw ?? JSON.stringify(reply.json));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  };
  servers.push({ close });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close };
}

const answer = (decision: ActionAnswer["decision"], status: ActionAnswer["status"], extra: Partial<ActionAnswer> = {}): JsonReply => ({
  json: { id: "act_1", decision, status, reasons: [], shadow: [], ...extra },
});
const flags = (...messages: string[]): JsonReply => ({ json: { id: "act_1", flags: messages.map((message) => ({ policyId: "pol_1", policyName: "p", message })) } });
const apiError = (status: number, code: string, message = code): JsonReply => ({ status, json: { error: { code, message } } });
const floor = { code: "policy", policyId: "pol_9", policyName: "flagship-price-floor", effect: "deny", message: "Flagship prices may not go below 100" };

const request = { action: "pricing.set_price", resource: "sku:LUX-001", input: { sku: "LUX-001", price: 120.5 }, context: { reason: "competitor drop" } };

function client(url: string, extra: Partial<ConstructorParameters<typeof Warden>[0]> = {}) {
  return new Warden({ url, apiKey: "wdn_test_key", timeoutMs: 1000, waitSeconds: 2, ...extra });
}

function spy<T>(value: T) {
  const calls: number[] = [];
  return { fn: () => (calls.push(1), value), get runs() { return calls.length; } };
}

describe("guard: the decision", () => {
  it("runs the function when allowed, reports it succeeded with its output, and returns value, action and flags", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), flags("The applied price differs from the requested one")]);
    const effect = spy({ appliedPrice: 125 });
    const out = await client(w.url).guard(request, effect.fn);

    expect(effect.runs).toBe(1);
    expect(out.value).toEqual({ appliedPrice: 125 });
    expect(out.action).toMatchObject({ id: "act_1", decision: "allow", status: "allowed" });
    expect(out.flags).toEqual([{ policyId: "pol_1", policyName: "p", message: "The applied price differs from the requested one" }]);

    const [ask, result] = w.seen;
    expect(ask).toMatchObject({ method: "POST", url: "/v1/actions" });
    expect(ask!.headers).toMatchObject({ authorization: "Bearer wdn_test_key", "content-type": "application/json", "user-agent": "warden-sdk/0.1" });
    const body = ask!.body as Record<string, unknown>;
    expect(body).toEqual({ ...request, idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/), wait: 2 });
    expect(result).toMatchObject({ method: "POST", url: "/v1/actions/act_1/result", body: { status: "succeeded", output: { appliedPrice: 125 } } });
    expect(result!.headers.authorization).toBe("Bearer wdn_test_key");
    expect(w.seen).toHaveLength(2);
  });

  it("uses the caller's idempotency key when given one", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), flags()]);
    await client(w.url).guard({ ...request, idempotencyKey: "order-42-price" }, () => undefined);
    expect((w.seen[0]!.body as { idempotencyKey: string }).idempotencyKey).toBe("order-42-price");
    expect(w.seen[1]!.body).toEqual({ status: "succeeded" }); // undefined: no output
  });

  it("omits an output that is not JSON, and still returns the value", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), flags()]);
    const out = await client(w.url).guard(request, () => 10n);
    expect(out.value).toBe(10n);
    expect(w.seen[1]!.body).toEqual({ status: "succeeded" });
  });

  it("throws ActionDenied with the reasons when denied, and never runs the function or reports", async () => {
    const w = await fakeWarden([answer("deny", "denied", { reasons: [floor] })]);
    const effect = spy("done");
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ActionDenied);
    expect(err).toMatchObject({ actionId: "act_1", status: "denied", reasons: [floor] });
    expect((err as Error).message).toContain("Flagship prices may not go below 100");
    expect(effect.runs).toBe(0);
    expect(w.seen).toHaveLength(1);
  });

  it("long-polls a pending action and runs the function once a human approves", async () => {
    const pending = answer("pending", "pending", { expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    const w = await fakeWarden([pending, { ...answer("allow", "approved"), delayMs: 100 }, flags()]);
    const effect = spy({ refunded: 900 });
    const onPending = vi.fn();
    const out = await client(w.url).guard({ action: "orders.refund", input: { amount: 900 } }, effect.fn, { onPending });

    expect(onPending).toHaveBeenCalledOnce();
    expect(onPending.mock.calls[0]![0]).toMatchObject({ id: "act_1", decision: "pending" });
    expect(effect.runs).toBe(1);
    expect(out.action.status).toBe("approved");
    expect(w.seen.map((s) => `${s.method} ${s.url}`)).toEqual(["POST /v1/actions", "GET /v1/actions/act_1?wait=2", "POST /v1/actions/act_1/result"]);
    expect(w.seen[1]!.headers.authorization).toBe("Bearer wdn_test_key");
    expect(w.seen[2]!.body).toEqual({ status: "succeeded", output: { refunded: 900 } });
  });

  it("throws ActionDenied when a human rejects the pending action, without running it", async () => {
    const rejected = answer("deny", "rejected", { reasons: [{ code: "policy", message: "Refunds over 500 need approval" }] });
    const w = await fakeWarden([answer("pending", "pending"), rejected]);
    const effect = spy(1);
    const err = await client(w.url).guard({ action: "orders.refund" }, effect.fn).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ActionDenied);
    expect(err).toMatchObject({ status: "rejected", actionId: "act_1" });
    expect(effect.runs).toBe(0);
    expect(w.seen).toHaveLength(2);
  });

  it("gives up with ApprovalTimeout after maxWaitMs, without running the function", async () => {
    const w = await fakeWarden(() => answer("pending", "pending")); // even a server that ignores `wait`
    const effect = spy(1);
    const err = await client(w.url, { waitSeconds: 1, maxWaitMs: 1200 }).guard(request, effect.fn).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApprovalTimeout);
    expect((err as ApprovalTimeout).actionId).toBe("act_1");
    expect(effect.runs).toBe(0);
    expect(w.seen.length).toBeLessThanOrEqual(4); // no busy loop
    expect(w.seen.every((s) => s.url !== "/v1/actions/act_1/result")).toBe(true);
  });

  it("stops waiting when the caller aborts, without running the function", async () => {
    const w = await fakeWarden((_req, i) => (i === 0 ? answer("pending", "pending") : { ...answer("pending", "pending"), delayMs: 2000 }));
    const ctrl = new AbortController();
    const effect = spy(1);
    const guarded = client(w.url).guard(request, effect.fn, { wait: 0, onPending: () => setTimeout(() => ctrl.abort(new Error("shutting down")), 50), signal: ctrl.signal });
    await expect(guarded).rejects.toThrow("shutting down");
    expect(effect.runs).toBe(0);
    expect(w.seen[0]!.body).toMatchObject({ wait: 0 });
  });
});

describe("guard: the function's outcome", () => {
  it("reports a failure with the error's message and rethrows the same error", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), flags()]);
    const boom = new Error("carrier API down");
    const err = await client(w.url)
      .guard(request, () => {
        throw boom;
      })
      .catch((e: unknown) => e);

    expect(err).toBe(boom);
    expect(w.seen[1]).toMatchObject({ url: "/v1/actions/act_1/result", body: { status: "failed", error: "carrier API down" } });
  });

  it("cuts a reported error message to the API's 4000 characters", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), flags()]);
    await client(w.url)
      .guard(request, async () => Promise.reject(new Error("x".repeat(10_000))))
      .catch(() => undefined);
    expect((w.seen[1]!.body as { error: string }).error).toHaveLength(4000);
  });

  it("keeps the value when the result can't be reported: retries, then hands the report to onResultReportError", { timeout: 10_000 }, async () => {
    const w = await fakeWarden((_req, i) => (i === 0 ? answer("allow", "allowed") : apiError(503, "unavailable")));
    const onResultReportError = vi.fn();
    const out = await client(w.url, { onResultReportError }).guard(request, () => ({ appliedPrice: 99 }));

    expect(out.value).toEqual({ appliedPrice: 99 });
    expect(out.flags).toEqual([]);
    expect(w.seen.filter((s) => s.url === "/v1/actions/act_1/result")).toHaveLength(4);
    expect(onResultReportError).toHaveBeenCalledOnce();
    const [error, failed] = onResultReportError.mock.calls[0]!;
    expect(error).toBeInstanceOf(WardenUnavailable);
    expect(failed).toEqual({ actionId: "act_1", result: { status: "succeeded", output: { appliedPrice: 99 } } });
  });

  it("takes result_already_reported on a retry as the first report having landed", async () => {
    const w = await fakeWarden([answer("allow", "allowed"), apiError(502, "bad_gateway"), apiError(409, "result_already_reported")]);
    const onResultReportError = vi.fn();
    const out = await client(w.url, { onResultReportError }).guard(request, () => 1);
    expect(out.value).toBe(1);
    expect(onResultReportError).not.toHaveBeenCalled();
  });
});

describe("guard fails closed", () => {
  it("when Warden is unreachable: WardenUnavailable, function never run", async () => {
    const w = await fakeWarden([]);
    await w.close(); // nothing listens on this port any more
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "network_error", status: 0 });
    expect(effect.runs).toBe(0);
  });

  it("when Warden never answers: a timeout per request, retried with the same key, function never run", async () => {
    const w = await fakeWarden(() => "hang");
    const effect = spy(1);
    const started = Date.now();
    const err = await client(w.url, { timeoutMs: 150, waitSeconds: 0 }).guard(request, effect.fn).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(WardenUnavailable);
    expect((err as WardenUnavailable).code).toBe("timeout");
    expect(effect.runs).toBe(0);
    expect(w.seen).toHaveLength(3);
    expect(new Set(w.seen.map((s) => (s.body as { idempotencyKey: string }).idempotencyKey)).size).toBe(1);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("when Warden sends headers and then stalls the body", async () => {
    const w = await fakeWarden(() => "stall-body");
    const effect = spy(1);
    const err = await client(w.url, { timeoutMs: 150, waitSeconds: 0 }).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "WardenUnavailable", code: "timeout" });
    expect(effect.runs).toBe(0);
  });

  it("retries a 500 with the same idempotency key, then acts on the 200", async () => {
    const w = await fakeWarden([apiError(500, "internal", "try again"), answer("allow", "allowed"), flags()]);
    const effect = spy("ok");
    const out = await client(w.url).guard(request, effect.fn);

    expect(out.value).toBe("ok");
    expect(effect.runs).toBe(1);
    const [first, second] = w.seen;
    expect(first!.url).toBe("/v1/actions");
    expect(second!.url).toBe("/v1/actions");
    expect((second!.body as { idempotencyKey: string }).idempotencyKey).toBe((first!.body as { idempotencyKey: string }).idempotencyKey);
    expect(second!.body).toEqual(first!.body);
  });

  it("gives up after two retries of a 5xx", async () => {
    const w = await fakeWarden(() => apiError(503, "unavailable", "db down"));
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "unavailable", status: 503, message: "db down" });
    expect(w.seen).toHaveLength(3);
    expect(effect.runs).toBe(0);
  });

  it("takes 503 unavailable as WardenUnavailable with the server's Retry-After, and fails closed when retries run out", async () => {
    const w = await fakeWarden(() => ({ ...apiError(503, "unavailable", "The database can't be reached right now"), headers: { "retry-after": "1" } }));
    const effect = spy(1);
    const err = await client(w.url, { maxRetries: 1 }).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "unavailable", status: 503, retryAfterMs: 1000 });
    expect(w.seen).toHaveLength(2);
    expect(effect.runs).toBe(0);
  });

  it("retries a 503 after its Retry-After with the same idempotency key and body, then acts on the 200", async () => {
    const times: number[] = [];
    const w = await fakeWarden((_req, i) => {
      times.push(Date.now());
      if (i === 0) return { ...apiError(503, "unavailable"), headers: { "retry-after": "1" } };
      return i === 1 ? answer("allow", "allowed") : flags();
    });
    const effect = spy("done");
    const out = await client(w.url).guard(request, effect.fn);
    expect(out.value).toBe("done");
    expect(effect.runs).toBe(1);
    const [first, second] = w.seen;
    expect(second!.body).toEqual(first!.body);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950); // it waited as asked, not the 200 ms backoff
  });

  it("keeps retrying within maxRetries while the budget lasts, always with one key", { timeout: 10_000 }, async () => {
    const w = await fakeWarden((_req, i) => (i < 3 ? apiError(503, "unavailable") : answer("deny", "denied")));
    const err = await client(w.url, { maxRetries: 3, retryBudgetMs: 60_000 }).guard(request, () => 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionDenied);
    expect(w.seen).toHaveLength(4);
    expect(new Set(w.seen.map((s) => (s.body as { idempotencyKey: string }).idempotencyKey)).size).toBe(1);
  });

  it("gives up at once when the server's Retry-After would end past the retry budget", async () => {
    const later = new Date(Date.now() + 120_000).toUTCString(); // an HTTP-date works too
    const w = await fakeWarden(() => ({ ...apiError(503, "unavailable"), headers: { "retry-after": later } }));
    const effect = spy(1);
    const started = Date.now();
    const err = await client(w.url, { retryBudgetMs: 3000, maxRetries: 10 }).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenUnavailable);
    expect((err as WardenUnavailable).retryAfterMs).toBeGreaterThan(100_000);
    expect(w.seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3000); // it did not sit out the wait it could not afford
    expect(effect.runs).toBe(0);
  });

  it("a 429 carries its Retry-After too", async () => {
    const w = await fakeWarden(() => ({ ...apiError(429, "rate_limited"), headers: { "retry-after": "60" } }));
    const err = await client(w.url).whoami().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenError);
    expect(err).not.toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "rate_limited", status: 429, retryAfterMs: 60_000 });
    expect(w.seen).toHaveLength(1); // 60 s is past the default 10 s budget
  });

  it("refuses a negative retry setting", () => {
    expect(() => new Warden({ url: "http://localhost:3000", apiKey: "k", maxRetries: -1 })).toThrow(RangeError);
    expect(() => new Warden({ url: "http://localhost:3000", apiKey: "k", retryBudgetMs: Number.NaN })).toThrow(RangeError);
  });

  it("when the body is not JSON", async () => {
    const w = await fakeWarden([{ raw: '{"id":"act_1","decision":"allow"' }]);
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "malformed_response", status: 200 });
    expect(effect.runs).toBe(0);
    expect(w.seen).toHaveLength(1);
  });

  it.each([
    ["an unknown decision", { id: "act_1", decision: "maybe", status: "allowed", reasons: [], shadow: [] }],
    ["allow with a status that is not allowed/approved", { id: "act_1", decision: "allow", status: "denied", reasons: [], shadow: [] }],
    ["no id", { decision: "allow", status: "allowed", reasons: [], shadow: [] }],
    ["no reasons", { id: "act_1", decision: "allow", status: "allowed" }],
    ["an array", [{ id: "act_1", decision: "allow", status: "allowed", reasons: [] }]],
  ])("when the answer has %s", async (_what, json) => {
    const w = await fakeWarden([{ json }]);
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "WardenUnavailable", code: "malformed_response" });
    expect(effect.runs).toBe(0);
  });

  it("when the GET answer is about another action", async () => {
    const w = await fakeWarden([answer("pending", "pending"), { json: { id: "act_2", decision: "allow", status: "approved", reasons: [], shadow: [] } }]);
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "malformed_response" });
    expect(effect.runs).toBe(0);
  });

  it("on a 4xx: WardenError with the API's code, not retried", async () => {
    const w = await fakeWarden([apiError(401, "unauthorized", "Unknown or revoked agent key")]);
    const effect = spy(1);
    const err = await client(w.url).guard(request, effect.fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardenError);
    expect(err).not.toBeInstanceOf(WardenUnavailable);
    expect(err).toMatchObject({ code: "unauthorized", status: 401, message: "Unknown or revoked agent key" });
    expect(w.seen).toHaveLength(1);
    expect(effect.runs).toBe(0);
  });
});

describe("ask, getAction, whoami", () => {
  it("ask sends only the contract's fields and answers the decision as typed", async () => {
    const shadow = [{ code: "policy", policyName: "stylist-basket-size-trial", effect: "deny", message: "More than 8 recommended items" }];
    const w = await fakeWarden([answer("allow", "allowed", { shadow })]);
    const extra = { action: "stylist.recommend", input: { items: ["a"] }, wait: 5, idempotencyKey: "k1", notInTheApi: true };
    const a = await client(w.url).ask(extra);
    expect(a).toEqual({ id: "act_1", decision: "allow", status: "allowed", reasons: [], shadow });
    expect(w.seen[0]!.body).toEqual({ action: "stylist.recommend", input: { items: ["a"] }, idempotencyKey: "k1", wait: 5 });
  });

  it("a long-poll's timeout is its wait plus timeoutMs", async () => {
    const w = await fakeWarden([{ ...answer("deny", "expired"), delayMs: 600 }, "hang"]);
    const c = client(w.url, { timeoutMs: 200 });
    await expect(c.getAction("act_1", { wait: 1 })).resolves.toMatchObject({ status: "expired" });
    const started = Date.now();
    await expect(c.getAction("act_1", { wait: 1 })).rejects.toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1150);
    expect(w.seen[0]!.url).toBe("/v1/actions/act_1?wait=1");
  });

  it("whoami reads GET /v1/agent with the key", async () => {
    const me = { id: "agt_1", name: "price-optimizer-eu", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", status: "halted", haltReason: "bad feed" };
    const w = await fakeWarden([{ json: me }]);
    await expect(client(w.url).whoami()).resolves.toEqual(me);
    expect(w.seen[0]).toMatchObject({ method: "GET", url: "/v1/agent", headers: { authorization: "Bearer wdn_test_key", "user-agent": "warden-sdk/0.1" } });
  });

  it("refuses a client without url or key, and keeps the key out of logs", () => {
    expect(() => new Warden({ url: "localhost:3000/x y", apiKey: "k" })).toThrow(TypeError);
    expect(() => new Warden({ url: "http://localhost:3000", apiKey: "" })).toThrow(TypeError);
    const c = new Warden({ url: "http://localhost:3000/", apiKey: "wdn_secret" });
    expect(c.url).toBe("http://localhost:3000");
    expect(JSON.stringify(c)).not.toContain("wdn_secret");
  });
});
