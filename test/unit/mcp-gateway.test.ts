import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { keepAliveFetch } from "../../mcp/src/http-fetch.ts";
import { actionNameFor, callFingerprint, checkJsonRpc, checkToolArguments, ConfigError, MAX_ARGUMENT_DEPTH, parseGatewayConfig } from "../../mcp/src/index.ts";
import { MAX_JSON_DEPTH } from "../../lib/validation/index.ts";
import { reportOfResult } from "../../mcp/src/result-report.ts";
import { Warden, WardenUnavailable } from "../../sdk/src/index.ts";

const base = { warden: { url: "http://127.0.0.1:3000" }, upstreams: [{ name: "fs", command: "node", args: ["server.js", "/tmp/x"], agentKey: "wdn_abc" }] };
const parse = (raw: unknown, env: Record<string, string | undefined> = {}) => parseGatewayConfig(raw, { baseDir: "/etc/warden", env });
const problems = (raw: unknown) => {
  try {
    parse(raw);
    return "";
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe("the gateway's configuration file", () => {
  it("reads the contract's shape, defaulting to stdio and resolving paths from the file's folder", () => {
    const c = parse(base);
    expect(c.listen).toEqual({ stdio: true });
    expect(c.upstreams[0]).toMatchObject({ kind: "stdio", name: "fs", command: "node", args: ["server.js", "/tmp/x"], cwd: "/etc/warden", agentKey: "wdn_abc", timeoutMs: 600_000 });
    const http = parse({ ...base, listen: { http: { host: "127.0.0.1", port: 3333 } }, upstreams: [{ name: "web", url: "http://127.0.0.1:4000/mcp", agentKey: "wdn_x" }] });
    expect(http.listen).toEqual({ http: { host: "127.0.0.1", port: 3333 } });
    expect(http.upstreams[0]).toMatchObject({ kind: "http", url: "http://127.0.0.1:4000/mcp", headers: {} });
  });

  it("takes an agent key from the environment with env:NAME, and says which variable is missing", () => {
    const raw = { ...base, upstreams: [{ ...base.upstreams[0], agentKey: "env:FS_KEY" }] };
    expect(parse(raw, { FS_KEY: "wdn_from_env" }).upstreams[0]!.agentKey).toBe("wdn_from_env");
    expect(() => parse(raw)).toThrow(/FS_KEY, which is not set/);
  });

  it("names every problem", () => {
    expect(problems({ ...base, upstreams: [{ name: "Bad__Name", command: "x", agentKey: "k" }] })).toContain("upstreams.0.name");
    expect(problems({ ...base, upstreams: [{ name: "a_", command: "x", agentKey: "k" }] })).toContain("upstreams.0.name");
    expect(problems({ ...base, upstreams: [{ name: "fs", command: "x", url: "http://h/mcp", agentKey: "k" }] })).toContain('either "command"');
    expect(problems({ ...base, upstreams: [{ name: "fs", agentKey: "k" }] })).toContain('either "command"');
    expect(problems({ ...base, upstreams: [base.upstreams[0], base.upstreams[0]] })).toContain("used twice");
    expect(problems({ ...base, upstreams: [] })).toContain("at least one upstream");
    expect(problems({ ...base, warden: { url: "ftp://x" } })).toContain("warden.url");
    expect(problems({ ...base, listen: { http: { host: "0.0.0.0", port: 3333 } } })).toContain("listen.http.token");
    expect(problems({ ...base, extra: 1 })).toContain("extra");
    expect(parse({ ...base, listen: { http: { host: "0.0.0.0", port: 3333, token: "a-long-enough-secret" } } }).listen).toMatchObject({ http: { host: "0.0.0.0" } });
  });
});

describe("tool names as Warden actions", () => {
  it("is mcp.<upstream>.<tool> within Warden's charset", () => {
    expect(actionNameFor("fs", "write_file")).toBe("mcp.fs.write_file");
    expect(actionNameFor("everything", "get-sum")).toBe("mcp.everything.get-sum");
    expect(actionNameFor("gh", "createIssue")).toBe("mcp.gh.createissue");
    expect(actionNameFor("gh", "create issue/ü")).toBe("mcp.gh.create_issue__");
    expect(actionNameFor("gh", "")).toBe("mcp.gh._");
  });

  it("keeps long names distinct and at most 128 characters", () => {
    const a = actionNameFor("fs", "x".repeat(200));
    const b = actionNameFor("fs", `${"x".repeat(199)}y`);
    expect(a).toHaveLength(128);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9_.:-]{1,128}$/);
  });
});

describe("the same call", () => {
  const secret = Buffer.alloc(32, 1);
  it("ignores key order and number spelling (RFC 8785) but not values, tools or upstreams", () => {
    const one = callFingerprint(secret, "fs", "write_file", { path: "/a", content: "x", n: 1 });
    expect(callFingerprint(secret, "fs", "write_file", { n: 1.0, content: "x", path: "/a" })).toBe(one);
    expect(callFingerprint(secret, "fs", "write_file", { path: "/a", content: "y", n: 1 })).not.toBe(one);
    expect(callFingerprint(secret, "fs", "edit_file", { path: "/a", content: "x", n: 1 })).not.toBe(one);
    expect(callFingerprint(secret, "fs2", "write_file", { path: "/a", content: "x", n: 1 })).not.toBe(one);
    expect(callFingerprint(Buffer.alloc(32, 2), "fs", "write_file", { path: "/a", content: "x", n: 1 })).not.toBe(one);
  });
});

describe("tool arguments the gateway can pass on", () => {
  const refusal = (args: unknown) => {
    try {
      checkToolArguments(args);
      return null;
    } catch (err) {
      return err as { code: number; message: string; data?: { path: string } };
    }
  };
  const nested = (levels: number): unknown => {
    let v: unknown = "leaf";
    for (let i = 1; i < levels; i++) v = [v];
    return { deep: v }; // the arguments object is the first level
  };

  it("answers -32602 naming the path, for what Warden's boundary refuses, before anything hashes it", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ note: "\ud800" }, "arguments.note", /unpaired UTF-16 surrogate/],
      [{ items: [{ ok: 1 }, { bad: "a\u0000b" }] }, "arguments.items.1.bad", /NUL character/],
      [{ n: Infinity }, "arguments.n", /finite number/],
      [{ n: NaN }, "arguments.n", /finite number/],
      [{ ["\udc00k"]: 1 }, "arguments.\\udc00k", /the key contains an unpaired/],
      [nested(100_000), "arguments.deep" + ".0".repeat(MAX_ARGUMENT_DEPTH - 1), /nested deeper than 63 levels/],
    ];
    for (const [args, path, message] of cases) {
      const err = refusal(args);
      expect(err, path).toMatchObject({ code: -32602, message: expect.stringMatching(message), data: { path } });
      expect(err!.message.startsWith(`Invalid params: ${path}: `), err!.message).toBe(true);
      // What the gateway would otherwise have thrown on, with a raw JavaScript message.
      if (path !== "arguments.items.1.bad") expect(() => callFingerprint(Buffer.alloc(32), "u", "t", args as Record<string, unknown>)).toThrow();
    }
  });

  it("passes everything Warden takes: arguments travel one level inside the /v1 body", () => {
    expect(MAX_ARGUMENT_DEPTH).toBe(MAX_JSON_DEPTH - 1);
    expect(refusal(nested(MAX_ARGUMENT_DEPTH))).toBeNull();
    expect(refusal(nested(MAX_ARGUMENT_DEPTH + 1))).toMatchObject({ code: -32602 });
    expect(refusal({ emoji: "😀", n: -0, big: 1e308, text: "é\t\n", list: [null, true, {}] })).toBeNull();
  });
});

describe("checking JSON-RPC before the SDK sees it", () => {
  it("answers the codes JSON-RPC 2.0 names", () => {
    expect(checkJsonRpc("{", { allowBatch: false })).toMatchObject({ ok: false, problem: { code: -32700, id: null } });
    expect(checkJsonRpc("42", { allowBatch: false })).toMatchObject({ ok: false, problem: { code: -32600, id: null } });
    expect(checkJsonRpc('{"jsonrpc":"1.0","id":1,"method":"ping"}', { allowBatch: false })).toMatchObject({ ok: false, problem: { code: -32600, id: 1 } });
    expect(checkJsonRpc('[{"jsonrpc":"2.0","id":1,"method":"ping"}]', { allowBatch: false })).toMatchObject({ ok: false, problem: { code: -32600 } });
    expect(checkJsonRpc("[]", { allowBatch: true })).toMatchObject({ ok: false, problem: { code: -32600 } });
    expect(checkJsonRpc('{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":1}}', { allowBatch: false })).toMatchObject({
      ok: false,
      problem: { code: -32602, id: "a", message: expect.stringContaining("name") },
    });
  });

  it("lets well-formed messages through, batches only where allowed", () => {
    expect(checkJsonRpc('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}}}', { allowBatch: false })).toMatchObject({ ok: true, batch: false });
    expect(checkJsonRpc('{"jsonrpc":"2.0","method":"notifications/initialized"}', { allowBatch: false })).toMatchObject({ ok: true });
    expect(checkJsonRpc('{"jsonrpc":"2.0","id":1,"method":"resources/list"}', { allowBatch: false })).toMatchObject({ ok: true });
    expect(checkJsonRpc('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]', { allowBatch: true })).toMatchObject({ ok: true, batch: true });
  });
});

describe("what Warden records about a tool result", () => {
  it("reports isError results as failed with their text, and leaves binary data out", () => {
    expect(reportOfResult({ content: [{ type: "text", text: "no such file" }], isError: true })).toMatchObject({ status: "failed", error: "no such file" });
    const img = reportOfResult({ content: [{ type: "image", data: "aGVsbG8=", mimeType: "image/png" }] });
    expect(img).toEqual({ status: "succeeded", output: { content: [{ type: "image", mimeType: "image/png", bytes: 5 }] } });
  });

  it("marks an output over Warden's 64 KiB cap as truncated", () => {
    const big = reportOfResult({ content: [{ type: "text", text: "x".repeat(70_000) }] });
    expect(big).toEqual({ status: "succeeded", output: { truncated: true, bytes: expect.any(Number), contentTypes: ["text"] } });
  });
});

describe("the gateway's keep-alive fetch for the Warden SDK", () => {
  async function server(handler: http.RequestListener) {
    const srv = http.createServer(handler);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => (srv.closeAllConnections(), new Promise((r) => srv.close(r))) };
  }

  it("sends the method, headers and body, and answers status and text", async () => {
    let seen: { method?: string; auth?: string; body: string } = { body: "" };
    const s = await server((req, res) => {
      req.on("data", (c: Buffer) => (seen.body += c.toString()));
      req.on("end", () => {
        seen = { ...seen, method: req.method, auth: req.headers.authorization };
        res.writeHead(409, { "content-type": "application/json" }).end('{"error":{"code":"x"}}');
      });
    });
    const { fetch, close } = keepAliveFetch();
    try {
      const res = await fetch(`${s.url}/v1/actions`, { method: "POST", headers: { authorization: "Bearer k" }, body: '{"a":1}' });
      expect([res.status, res.ok, await res.text()]).toEqual([409, false, '{"error":{"code":"x"}}']);
      expect(seen).toEqual({ method: "POST", auth: "Bearer k", body: '{"a":1}' });
    } finally {
      close();
      await s.close();
    }
  });

  it("gives up on a Warden that never answers or stalls mid-body, so the SDK fails closed", async () => {
    const hanging = await server(() => undefined);
    const stalling = await server((_req, res) => res.writeHead(200, { "content-type": "application/json" }).write('{"id":'));
    const { fetch, close } = keepAliveFetch();
    try {
      for (const s of [hanging, stalling]) {
        const w = new Warden({ url: s.url, apiKey: "wdn_x", timeoutMs: 300, fetch });
        const err = await w.getAction("act_1").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WardenUnavailable);
        expect((err as WardenUnavailable).code).toBe("timeout");
      }
      const refused = await new Warden({ url: "http://127.0.0.1:9", apiKey: "wdn_x", fetch }).getAction("act_1").catch((e: unknown) => e);
      expect((refused as WardenUnavailable).code).toBe("network_error");
    } finally {
      close();
      await Promise.all([hanging.close(), stalling.close()]);
    }
  });

  it("refuses an answer over 1 MiB", async () => {
    const s = await server((_req, res) => res.end("x".repeat(2 * 1024 * 1024)));
    const { fetch, close } = keepAliveFetch();
    try {
      await expect(fetch(s.url)).rejects.toThrow(/over/);
    } finally {
      close();
      await s.close();
    }
  });
});
