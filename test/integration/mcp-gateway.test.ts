// The MCP gateway end to end: the official SDK's Client, the gateway (its CLI over stdio, or
// in-process on Streamable HTTP), real upstream servers from npm (server-filesystem in a temp
// directory, server-everything over stdio and over Streamable HTTP), and Warden's data plane
// on this file's own PostgreSQL database.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decideApproval } from "../../lib/approvals/index.ts";
import { freePort } from "../../lib/boot/index.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { ConfigError, META_KEY, parseGatewayConfig, startGateway, type RunningGateway } from "../../mcp/src/index.ts";
import { newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique, userWithToken } from "../support/fixtures.ts";

const root = path.resolve(import.meta.dirname, "../..");
const EVERYTHING = path.join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const FILESYSTEM = path.join(root, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
const CLI = path.join(root, "mcp/bin/warden-mcp.mjs");

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];
const logs: string[] = [];

beforeAll(async () => {
  dp = await startDataPlane();
  dir = await mkdtemp(path.join(os.tmpdir(), "warden-mcp-test-"));
});
beforeEach((ctx) => {
  logs.length = 0;
  ctx.onTestFailed(() => console.error(`gateway log:\n${logs.join("\n")}`));
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});
afterAll(async () => {
  await dp.close();
  await rm(dir, { recursive: true, force: true });
});

type Policy = Record<string, unknown>;

async function agentWith(policies: Policy[] = []) {
  const cohort = unique("mcp");
  const a = await newAgent({ cohort });
  for (const { target, ...p } of policies) {
    const spec = policySpecSchema.parse({ name: unique("p"), ...p, target: { ...(target as object), cohorts: [cohort] } });
    await createPolicy({ spec, actor: "system", userId: null });
  }
  return { cohort, ...a };
}

/** A fresh folder for one test's files, served by server-filesystem. */
async function workdir() {
  const d = await mkdtemp(path.join(dir, "fs-"));
  return d;
}

const fsUpstream = (root: string, agentKey: string, name = "fs") => ({ name, command: process.execPath, args: [FILESYSTEM, root], agentKey });
const everythingUpstream = (agentKey: string, name = "everything") => ({ name, command: process.execPath, args: [EVERYTHING, "stdio"], agentKey });

async function httpGateway(upstreams: Record<string, unknown>[], opts: { wardenUrl?: string; pollSeconds?: number } = {}): Promise<RunningGateway> {
  const config = parseGatewayConfig({ warden: { url: opts.wardenUrl ?? dp.base, timeoutMs: 1000 }, listen: { http: { host: "127.0.0.1", port: 0 } }, upstreams }, { baseDir: root });
  const running = await startGateway(config, { log: (l) => logs.push(l), pollSeconds: opts.pollSeconds ?? 1 });
  cleanups.push(() => running.close());
  return running;
}

async function httpClient(url: string): Promise<Client> {
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  cleanups.push(() => client.close());
  return client;
}

async function actionsOf(agentId: string) {
  const { rows } = await pool().query(
    `SELECT id, action, status, input, context, reasons, result_status, result_output, result_error FROM actions WHERE agent_id = $1 ORDER BY created_at, id`,
    [agentId],
  );
  return rows as { id: string; action: string; status: string; input: any; context: any; reasons: any[]; result_status: string | null; result_output: any; result_error: string | null }[];
}

/** The agent's actions once every allowed one has its result recorded (the gateway reports in the background). */
async function settledActionsOf(agentId: string) {
  return until("the results to be recorded", async () => {
    const rows = await actionsOf(agentId);
    return rows.every((r) => r.result_status !== null || (r.status !== "ALLOWED" && r.status !== "APPROVED")) ? rows : undefined;
  });
}

/** Polls a condition (the database, a file, a callback's effect) until it holds. */
async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function approve(actionId: string) {
  const approver = await userWithToken("approver");
  return decideApproval({ actionId, principal: approver.principal, input: { decision: "approve" } });
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === "text" ? c.text : `[${c.type}]`)).join("\n");

describe("the MCP gateway as a stdio server (the warden-mcp command)", () => {
  it("holds a filesystem write a policy sends for approval, resumes it on retry, and writes once when a human approves", async () => {
    const a = await agentWith([{ effect: "require_approval", target: { actions: ["mcp.fs.write_file"] }, condition: "true", message: "Writes need a human" }]);
    const files = await workdir();
    const configFile = path.join(files, "..", `${unique("config")}.json`);
    await writeFile(configFile, JSON.stringify({ warden: { url: dp.base }, listen: { stdio: true }, upstreams: [fsUpstream(files, a.apiKey)] }));
    const client = new Client({ name: "desktop", version: "1.0.0" });
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--config", configFile], stderr: "pipe" });
    transport.stderr?.on("data", (c: Buffer) => logs.push(c.toString().trimEnd()));
    await client.connect(transport);
    cleanups.push(() => client.close());

    // With one upstream, tools keep their own names.
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["write_file", "move_file", "read_text_file"]));
    expect(names.some((n) => n.includes("__"))).toBe(false);

    const target = path.join(files, "report.txt");
    const args = { path: target, content: "approved text\n" };
    // The client gives up as soon as it hears the call is waiting (as a request timeout would).
    const firstProgress: Progress[] = [];
    const giveUp = new AbortController();
    const gaveUp = await client
      .callTool({ name: "write_file", arguments: args }, undefined, { signal: giveUp.signal, onprogress: (p) => (firstProgress.push(p), giveUp.abort()) })
      .catch((e: unknown) => e);
    expect(gaveUp).toBeInstanceOf(Error);
    const [pending] = await actionsOf(a.agent.id);
    expect(pending).toMatchObject({ action: "mcp.fs.write_file", status: "PENDING", input: args, context: { mcp: { upstream: "fs", tool: "write_file" } } });
    expect(firstProgress[0]?.message).toContain(pending!.id);
    expect(existsSync(target)).toBe(false);

    // The client retries the same call: it finds the same pending action and waits on it.
    const retryProgress: Progress[] = [];
    const retried = client.callTool({ name: "write_file", arguments: args }, undefined, { timeout: 30_000, onprogress: (p) => retryProgress.push(p) });
    await until("the retry to wait on the same action", () => retryProgress.some((p) => p.message?.includes(pending!.id)));
    expect(await actionsOf(a.agent.id)).toHaveLength(1);
    expect(existsSync(target)).toBe(false);

    expect(await approve(pending!.id)).toMatchObject({ status: "approved" });
    const result = (await retried) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(result._meta?.[META_KEY]).toMatchObject({ id: pending!.id, status: "approved" });
    expect(await readFile(target, "utf8")).toBe("approved text\n");
    const rows = await settledActionsOf(a.agent.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "APPROVED", result_status: "SUCCEEDED" });

    // The approval was for those arguments: other content is a new action, waiting again.
    const other = await client.callTool({ name: "write_file", arguments: { ...args, content: "something else" } }, undefined, { timeout: 1000 }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(McpError);
    const after = await until("a second action", async () => {
      const r = await actionsOf(a.agent.id);
      return r.length === 2 ? r : undefined;
    });
    expect(after[1]).toMatchObject({ status: "PENDING", input: { path: target, content: "something else" } });
    expect(await readFile(target, "utf8")).toBe("approved text\n");
  });

  it("answers malformed JSON-RPC lines with the spec's error codes and keeps serving", async () => {
    const a = await agentWith();
    const configFile = path.join(dir, `${unique("config")}.json`);
    await writeFile(configFile, JSON.stringify({ warden: { url: dp.base }, upstreams: [everythingUpstream(a.apiKey)] }));
    const child: ChildProcess = spawn(process.execPath, [CLI, "--config", configFile], { stdio: ["pipe", "pipe", "pipe"] });
    cleanups.push(async () => {
      child.kill();
    });
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString().trimEnd()));
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse(((await lines.next()).value as string) ?? "null") as any;
    const send = (line: string) => child.stdin!.write(`${line}\n`);

    send("this is not json");
    expect(await next()).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32700, message: expect.stringContaining("Parse error") } });
    send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: 7 }));
    expect(await next()).toEqual({ jsonrpc: "2.0", id: 3, error: { code: -32600, message: "Invalid Request: method must be a string" } });
    send(JSON.stringify([{ jsonrpc: "2.0", id: 4, method: "ping" }]));
    expect((await next()).error.code).toBe(-32600);
    send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }));
    expect(await next()).toMatchObject({ id: 5, result: { serverInfo: { name: "warden-mcp" }, capabilities: { tools: { listChanged: true } } } });
    send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    send(JSON.stringify({ jsonrpc: "2.0", id: 6, method: "resources/list" }));
    expect(await next()).toMatchObject({ id: 6, error: { code: -32601 } });
    send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: 42 } }));
    expect(await next()).toMatchObject({ id: 7, error: { code: -32602 } });
    send(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "echo", arguments: { message: "still here" } } }));
    expect(await next()).toMatchObject({ id: 8, result: { content: [{ type: "text", text: "Echo: still here" }] } });
    expect(child.exitCode).toBeNull();
  });
  it("answers tool arguments it can't pass on — a lone surrogate, NUL, 1e309, deep nesting — with -32602, asking Warden nothing", async () => {
    const a = await agentWith();
    const configFile = path.join(dir, `${unique("config")}.json`);
    await writeFile(configFile, JSON.stringify({ warden: { url: dp.base }, upstreams: [everythingUpstream(a.apiKey)] }));
    const child: ChildProcess = spawn(process.execPath, [CLI, "--config", configFile], { stdio: ["pipe", "pipe", "pipe"] });
    cleanups.push(async () => {
      child.kill();
    });
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString().trimEnd()));
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => JSON.parse(((await lines.next()).value as string) ?? "null") as any;
    const send = (line: string) => child.stdin!.write(`${line}\n`);
    send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }));
    expect((await next()).id).toBe(1);
    send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));

    const call = (id: number, args: string) => `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":${args}}}`;
    const cases: [string, RegExp][] = [
      ['{"message":"\\ud800 alone"}', /^Invalid params: arguments\.message: contains an unpaired UTF-16 surrogate/],
      ['{"message":"a\\u0000b"}', /^Invalid params: arguments\.message: contains a NUL character/],
      ['{"message":"x","n":1e309}', /^Invalid params: arguments\.n: must be a finite number/],
      [`{"message":"x","deep":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, /^Invalid params: arguments\.deep(\.0)+: nested deeper than 63 levels/],
      ['{"\\udfff":"key"}', /^Invalid params: arguments\.\\udfff: the key contains an unpaired UTF-16 surrogate/],
    ];
    let id = 10;
    for (const [args, message] of cases) {
      send(call(++id, args));
      const answer = await next();
      expect(answer, args.slice(0, 40)).toMatchObject({ jsonrpc: "2.0", id, error: { code: ErrorCode.InvalidParams, message: expect.stringMatching(message) } });
      expect(answer.error.message).not.toMatch(/Lone surrogate|Maximum call stack|Infinity is not allowed/);
    }
    expect(await actionsOf(a.agent.id)).toEqual([]); // Warden was never asked
    // At the limit (the arguments object and 62 levels inside it), Warden takes them: the gateway refuses nothing Warden would accept.
    send(call(++id, `{"message":"still here","deep":${"[".repeat(62)}${"]".repeat(62)}}`));
    expect(await next()).toMatchObject({ id, result: { content: [{ type: "text", text: "Echo: still here" }] } });
    expect(await actionsOf(a.agent.id)).toEqual([expect.objectContaining({ action: "mcp.everything.echo", status: "ALLOWED" })]);
  });
});

describe("the MCP gateway on Streamable HTTP", () => {
  it("never forwards a denied move, and says why", async () => {
    const a = await agentWith([{ effect: "deny", target: { actions: ["mcp.fs.move_file"] }, condition: "true", message: "Files stay where they are" }]);
    const files = await workdir();
    await writeFile(path.join(files, "keep.txt"), "keep");
    const gw = await httpGateway([fsUpstream(files, a.apiKey)]);
    const client = await httpClient(gw.url!);
    const r = (await client.callTool({ name: "move_file", arguments: { source: path.join(files, "keep.txt"), destination: path.join(files, "gone.txt") } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toContain("Warden denied mcp.fs.move_file");
    expect(text(r)).toContain("Files stay where they are");
    expect(existsSync(path.join(files, "keep.txt"))).toBe(true);
    expect(existsSync(path.join(files, "gone.txt"))).toBe(false);
    const rows = await actionsOf(a.agent.id);
    expect(rows).toEqual([expect.objectContaining({ action: "mcp.fs.move_file", status: "DENIED", result_status: null })]);
    expect(r._meta?.[META_KEY]).toMatchObject({ id: rows[0]!.id, status: "denied" });
  });

  it("refuses a waiting call and the next call at once when the agent's cohort is halted", async () => {
    const a = await agentWith([{ effect: "require_approval", target: { actions: ["mcp.fs.create_directory"] }, condition: "true", message: "Folders need a human" }]);
    const files = await workdir();
    const gw = await httpGateway([fsUpstream(files, a.apiKey)]);
    const client = await httpClient(gw.url!);
    const first = (await client.callTool({ name: "write_file", arguments: { path: path.join(files, "a.txt"), content: "1" } })) as CallToolResult;
    expect(first.isError).toBeFalsy();
    let waiting = false;
    const held = client.callTool({ name: "create_directory", arguments: { path: path.join(files, "sub") } }, undefined, { timeout: 30_000, onprogress: () => (waiting = true) });
    await until("the folder call to wait for a human", () => waiting);

    await halt({ scope: { kind: "cohort", name: a.cohort }, reason: "incident drill", actor: "user:test" });
    const rejected = (await held) as CallToolResult;
    expect(rejected.isError).toBe(true);
    expect(text(rejected)).toContain("A halt rejected mcp.fs.create_directory");
    const second = (await client.callTool({ name: "write_file", arguments: { path: path.join(files, "b.txt"), content: "2" } })) as CallToolResult;
    expect(second.isError).toBe(true);
    expect(text(second)).toContain("[cohort_halted]");
    expect(existsSync(path.join(files, "b.txt"))).toBe(false);
    expect(existsSync(path.join(files, "sub"))).toBe(false);
    const rows = await settledActionsOf(a.agent.id);
    expect(rows.map((r) => [r.action, r.status, r.result_status])).toEqual([
      ["mcp.fs.write_file", "ALLOWED", "SUCCEEDED"],
      ["mcp.fs.create_directory", "REJECTED", null],
      ["mcp.fs.write_file", "DENIED", null],
    ]);
    expect(rows[2]!.reasons).toEqual([expect.objectContaining({ code: "cohort_halted" })]);
  });

  it("executes an approved call once when two clients race on it, and both get its result", async () => {
    const a = await agentWith([{ effect: "require_approval", target: { actions: ["mcp.fs.edit_file"] }, condition: "true", message: "Edits need a human" }]);
    const files = await workdir();
    const file = path.join(files, "counter.txt");
    await writeFile(file, "count: 1\n");
    const gw = await httpGateway([fsUpstream(files, a.apiKey)]);
    const [c1, c2] = [await httpClient(gw.url!), await httpClient(gw.url!)];
    // Each execution appends "+1" after "count: 1": the file counts how often the edit ran.
    const args = { path: file, edits: [{ oldText: "count: 1", newText: "count: 1+1" }] };
    const seen = [false, false];
    const calls = [c1, c2].map((c, i) => c.callTool({ name: "edit_file", arguments: args }, undefined, { timeout: 30_000, onprogress: () => (seen[i] = true) }));
    await until("both clients to wait", () => seen[0] && seen[1]);
    const rows = await actionsOf(a.agent.id);
    expect(rows).toHaveLength(1);
    await approve(rows[0]!.id);
    const [r1, r2] = (await Promise.all(calls)) as CallToolResult[];
    expect(r1!.isError).toBeFalsy();
    expect(r2).toEqual(r1);
    expect(r1!._meta?.[META_KEY]).toMatchObject({ id: rows[0]!.id });
    expect(await readFile(file, "utf8")).toBe("count: 1+1\n");
    expect(await settledActionsOf(a.agent.id)).toEqual([expect.objectContaining({ status: "APPROVED", result_status: "SUCCEEDED" })]);

    // Another gateway process never shares this one's actions: its call is an action of its own.
    const other = await httpGateway([fsUpstream(files, a.apiKey)]);
    const c3 = await httpClient(other.url!);
    await c3.callTool({ name: "edit_file", arguments: args }, undefined, { timeout: 800 }).catch(() => undefined);
    const later = await until("the other gateway's action", async () => {
      const r = await actionsOf(a.agent.id);
      return r.length === 2 ? r : undefined;
    });
    expect(later[1]).toMatchObject({ status: "PENDING" });
    expect(later[1]!.id).not.toBe(rows[0]!.id);
    expect(await readFile(file, "utf8")).toBe("count: 1+1\n");
  });

  it("lists every upstream's tools as <upstream>__<tool> with several upstreams, over stdio and HTTP", async () => {
    const a = await agentWith();
    const files = await workdir();
    const port = await freePort();
    const web: ChildProcess = spawn(process.execPath, [EVERYTHING, "streamableHttp"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    cleanups.push(async () => {
      web.kill();
    });
    await until("server-everything on HTTP", async () => fetch(`http://127.0.0.1:${port}/mcp`, { method: "GET" }).then(() => true, () => false));
    const gw = await httpGateway([fsUpstream(files, a.apiKey), everythingUpstream(a.apiKey), { name: "web", url: `http://127.0.0.1:${port}/mcp`, agentKey: a.apiKey }]);
    const client = await httpClient(gw.url!);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["fs__write_file", "everything__echo", "web__echo", "web__get-sum"]));
    expect(names.every((n) => /^(fs|everything|web)__/.test(n))).toBe(true);

    const viaStdio = (await client.callTool({ name: "everything__echo", arguments: { message: "hi" } })) as CallToolResult;
    const viaHttp = (await client.callTool({ name: "web__get-sum", arguments: { a: 2, b: 3 } })) as CallToolResult;
    expect(text(viaStdio)).toBe("Echo: hi");
    expect(text(viaHttp)).toContain("5");
    const rows = await settledActionsOf(a.agent.id);
    expect(rows).toEqual([
      expect.objectContaining({ action: "mcp.everything.echo", input: { message: "hi" }, context: { mcp: { upstream: "everything", tool: "echo" } }, result_status: "SUCCEEDED" }),
      expect.objectContaining({ action: "mcp.web.get-sum", input: { a: 2, b: 3 }, result_status: "SUCCEEDED" }),
    ]);
    expect(rows[0]!.result_output).toEqual({ content: [{ type: "text", text: "Echo: hi" }] });
    await expect(client.callTool({ name: "echo", arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.callTool({ name: "nope__echo", arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  it("answers malformed JSON-RPC over HTTP with JSON-RPC errors, and declines resources and prompts", async () => {
    const a = await agentWith();
    const gw = await httpGateway([everythingUpstream(a.apiKey)]);
    const post = async (body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(gw.url!, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect(await post("{oops")).toEqual({ status: 400, json: { jsonrpc: "2.0", id: null, error: { code: -32700, message: expect.stringContaining("Parse error") } } });
    expect(await post(JSON.stringify({ jsonrpc: "2.0", id: 7, method: 42 }))).toMatchObject({ status: 400, json: { id: 7, error: { code: -32600 } } });
    expect(await post(JSON.stringify({ id: 8, method: "ping" }))).toMatchObject({ status: 400, json: { id: 8, error: { code: -32600, message: expect.stringContaining("jsonrpc") } } });
    expect(await post("[]")).toMatchObject({ status: 400, json: { error: { code: -32600 } } });
    expect(await post(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }))).toMatchObject({ status: 400, json: { error: { code: -32600 } } });
    expect(await post(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }), { "mcp-session-id": "no-such-session" })).toMatchObject({ status: 404, json: { error: { code: -32001 } } });
    const evil = await fetch(gw.url!, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: "{}" });
    expect(evil.status).toBe(403);

    const client = await httpClient(gw.url!);
    await expect(client.listResources()).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    await expect(client.listPrompts()).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    await expect(client.request({ method: "tools/call", params: { name: 42 } } as never, (await import("@modelcontextprotocol/sdk/types.js")).CallToolResultSchema)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    expect(text((await client.callTool({ name: "echo", arguments: { message: "fine" } })) as CallToolResult)).toBe("Echo: fine");
  });

  it("reports the action failed and answers an error when the upstream dies mid-call, then starts it again", async () => {
    const a = await agentWith([{ stage: "post", effect: "flag", condition: "result.status == 'failed'", message: "A tool call failed" }]);
    const gw = await httpGateway([everythingUpstream(a.apiKey)]);
    const client = await httpClient(gw.url!);
    let progressed = false;
    const call = client.callTool({ name: "trigger-long-running-operation", arguments: { duration: 30, steps: 30 } }, undefined, { timeout: 60_000, onprogress: () => (progressed = true) }).catch((e: unknown) => e);
    await until("the upstream to be working on the call", () => progressed);
    const pid = gw.gateway.upstreams.get("everything")!.pid!;
    process.kill(pid, "SIGKILL");
    const err = await call;
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(ErrorCode.InternalError);
    expect((err as McpError).message).toContain("reported failed");
    const [row] = await settledActionsOf(a.agent.id);
    expect(row).toMatchObject({ action: "mcp.everything.trigger-long-running-operation", status: "ALLOWED", result_status: "FAILED" });
    expect(row!.result_error).toMatch(/closed/i);
    await until("the post-check flag to come back", () => logs.some((l) => l.includes(`Warden flagged mcp.everything.trigger-long-running-operation (${row!.id}): A tool call failed`)));

    const again = (await client.callTool({ name: "echo", arguments: { message: "back" } })) as CallToolResult;
    expect(text(again)).toBe("Echo: back");
    expect(gw.gateway.upstreams.get("everything")!.pid).not.toBe(pid);
  });

  it("refuses every call, without reaching the upstream, while Warden is unreachable", async () => {
    const a = await agentWith();
    const files = await workdir();
    const closedPort = await freePort();
    const gw = await httpGateway([fsUpstream(files, a.apiKey)], { wardenUrl: `http://127.0.0.1:${closedPort}` });
    const client = await httpClient(gw.url!);
    const r = (await client.callTool({ name: "write_file", arguments: { path: path.join(files, "x.txt"), content: "x" } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(text(r)).toContain("Warden is unavailable");
    expect(text(r)).toContain("was not made");
    expect(existsSync(path.join(files, "x.txt"))).toBe(false);
    expect(await actionsOf(a.agent.id)).toEqual([]);
  });

  it("refuses to start with an agent key Warden does not know", async () => {
    const files = await workdir();
    await expect(httpGateway([fsUpstream(files, "wdn_not_a_real_key")])).rejects.toBeInstanceOf(ConfigError);
  });
});
