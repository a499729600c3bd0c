import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Warden } from "../../sdk/src/index.ts";

// A scripted data plane for release(): answers GET /v1/agent/release with an ETag (304 when
// If-None-Match matches) and records every request.
const servers: http.Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r))))));

async function fake(state: { version: string; etag: string; down?: boolean }) {
  const seen: { url: string; ifNoneMatch?: string; body?: unknown }[] = [];
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", ifNoneMatch: req.headers["if-none-match"], body: text ? JSON.parse(text) : undefined });
      if (state.down) return res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"unavailable","message":"down"}}');
      if (req.url?.startsWith("/v1/agent/release")) {
        if (req.headers["if-none-match"] === state.etag) return res.writeHead(304, { etag: state.etag }).end();
        return res.writeHead(200, { "content-type": "application/json", etag: state.etag }).end(JSON.stringify({ version: state.version, config: { model: state.version }, rollout: "rol_1", step: 1, share: 5 }));
      }
      if (req.url === "/v1/actions") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "act_1", decision: "allow", status: "allowed", reasons: [], shadow: [] }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "act_1", flags: [] }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("warden.release(key)", () => {
  it("reuses an answer for releaseCacheMs, then revalidates it with its ETag", async () => {
    const state = { version: "stylist-v14", etag: '"e1"' };
    const w = await fake(state);
    const warden = new Warden({ url: w.url, apiKey: "wdn_k", releaseCacheMs: 100 });
    const first = await warden.release("cust-1");
    expect(first).toEqual({ version: "stylist-v14", config: { model: "stylist-v14" }, rollout: "rol_1", step: 1, share: 5 });
    expect(await warden.release("cust-1")).toBe(first);
    expect(w.seen).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(await warden.release("cust-1")).toEqual(first);
    expect(w.seen[1]).toMatchObject({ url: "/v1/agent/release?key=cust-1", ifNoneMatch: '"e1"' });
    // A new step: a new ETag and version.
    Object.assign(state, { version: "stylist-v15", etag: '"e2"' });
    await new Promise((r) => setTimeout(r, 120));
    expect((await warden.release("cust-1")).version).toBe("stylist-v15");
  });

  it("serves the cached answer while Warden is unreachable, and refuses a bad key", async () => {
    const state = { version: "v1", etag: '"e1"', down: false };
    const w = await fake(state);
    const warden = new Warden({ url: w.url, apiKey: "wdn_k", releaseCacheMs: 1, timeoutMs: 500 });
    await warden.release("k");
    state.down = true;
    await new Promise((r) => setTimeout(r, 5));
    expect((await warden.release("k")).version).toBe("v1");
    await expect(warden.release("other")).rejects.toMatchObject({ code: "unavailable" });
    await expect(warden.release("")).rejects.toThrow(TypeError);
  });
});

describe("guard() attaches the version", () => {
  it("from the request, from its release key, or from the client", async () => {
    const w = await fake({ version: "stylist-v15", etag: '"e1"' });
    const warden = new Warden({ url: w.url, apiKey: "wdn_k", version: "stylist-v14" });
    await warden.guard({ action: "stylist.recommend" }, () => 1);
    await warden.guard({ action: "stylist.recommend", releaseKey: "cust-9" }, () => 1);
    await warden.guard({ action: "stylist.recommend", version: "stylist-v13", releaseKey: "cust-9" }, () => 1);
    const asks = w.seen.filter((s) => s.url === "/v1/actions").map((s) => (s.body as { version?: string }).version);
    expect(asks).toEqual(["stylist-v14", "stylist-v15", "stylist-v13"]);
    // The release key itself is not sent to /v1/actions (the server refuses unknown fields).
    expect(w.seen.filter((s) => s.url === "/v1/actions").every((s) => !("releaseKey" in (s.body as object)))).toBe(true);
  });
});
