// `npm run bench:mcp`: what the MCP gateway adds to an allowed tools/call. The official SDK
// client calls server-everything's `echo` over stdio directly, and through the gateway (the
// warden-mcp command, stdio both sides), alternating call by call. Warden's data plane runs in
// this process on a throwaway embedded PostgreSQL, with a few policies on mcp.* actions, so each
// gateway call is a real decision (committed with its audit event) and a real result report.
// Prints figures; asserts nothing. `-- --quick` for fewer calls.
import http from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { registerAgent } from "../lib/agents/index.ts";
import { handleDataPlane } from "../lib/dataplane/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";
import { freePort, migrate } from "../lib/boot/index.ts";
import { closeDb } from "../lib/db/index.ts";
import { closeBus } from "../lib/events/index.ts";
import { createPolicy, policySpecSchema } from "../lib/policies/index.ts";
import { Warden } from "../sdk/src/index.ts";
import { benchDatabase } from "./harness.ts";

const root = path.resolve(import.meta.dirname, "..");
const EVERYTHING = path.join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const CLI = path.join(root, "mcp/bin/warden-mcp.mjs");
const quick = process.argv.includes("--quick");
const WARMUP = quick ? 100 : 300;
const CALLS = quick ? 500 : 2000;
const TARGET_P50_OVERHEAD_MS = 5;

type Stats = { p50: number; p99: number; mean: number; max: number };

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  return { p50: q(50), p99: q(99), mean: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1]! };
}

const fmt = (label: string, s: Stats) => `  ${label.padEnd(40)} p50 ${s.p50.toFixed(2).padStart(6)} ms   p99 ${s.p99.toFixed(2).padStart(6)} ms   mean ${s.mean.toFixed(2).padStart(6)} ms   max ${s.max.toFixed(1).padStart(6)} ms`;

async function stdioClient(command: string, args: string[]): Promise<{ client: Client; pid: number | null }> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  const transport = new StdioClientTransport({ command, args, stderr: "ignore" });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/** CPU seconds a process has used (user + system), from /proc; null where there is no /proc. */
async function cpuSeconds(pid: number | null): Promise<number | null> {
  if (pid === null) return null;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return null;
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main() {
  process.env.NEXTAUTH_SECRET ??= "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";
  const db = await benchDatabase();
  const tmp = await mkdtemp(path.join(os.tmpdir(), "warden-bench-mcp-"));
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await migrate(db.url);
    const { apiKey } = await registerAgent({ input: { name: "bench-mcp", cohort: "mcp-bench", owner: "bench@warden.local", riskTier: "medium" }, actor: "system", createdById: null });
    const policies = [
      { effect: "deny", target: { actions: ["mcp.*"] }, condition: "has(input.message) && input.message.contains('rm -rf')", message: "No shell payloads" },
      { effect: "require_approval", target: { actions: ["mcp.fs.write_file", "mcp.fs.move_file"] }, condition: "true", message: "Writes need a human" },
      { effect: "deny", target: { actions: ["mcp.everything.get-env"] }, condition: "true", message: "No environment dumps" },
      { stage: "post", effect: "flag", target: { actions: ["mcp.*"] }, condition: "result.status == 'failed'", message: "Tool call failed" },
    ];
    for (const [i, p] of policies.entries()) await createPolicy({ spec: policySpecSchema.parse({ name: `mcp-guard-${i + 1}`, ...p }), actor: "system", userId: null });

    // Decisions are signed (receipts): the key `npm start`'s jobs would otherwise have made sure of.
    ensureSigningKey("receipts");
    const dataPlane = http.createServer((req, res) => void handleDataPlane(req, res));
    const port = await freePort();
    await new Promise<void>((r) => dataPlane.listen(port, "127.0.0.1", r));
    closers.push(() => new Promise((r) => (dataPlane.close(r), dataPlane.closeAllConnections())));
    const wardenUrl = `http://127.0.0.1:${port}`;

    const config = path.join(tmp, "gateway.json");
    await writeFile(config, JSON.stringify({ warden: { url: wardenUrl }, listen: { stdio: true }, upstreams: [{ name: "everything", command: process.execPath, args: [EVERYTHING, "stdio"], agentKey: apiKey }] }));
    const { client: direct } = await stdioClient(process.execPath, [EVERYTHING, "stdio"]);
    closers.push(() => direct.close());
    const { client: gateway, pid: gatewayPid } = await stdioClient(process.execPath, [CLI, "--config", config]);
    closers.push(() => gateway.close());

    const echo = (client: Client, i: number) => async () => {
      const r = (await client.callTool({ name: "echo", arguments: { message: `hello ${i}` } })) as CallToolResult;
      if (r.isError) throw new Error(`echo failed: ${JSON.stringify(r.content)}`);
    };
    for (let i = 0; i < WARMUP; i++) {
      await echo(direct, i)();
      await echo(gateway, i)();
    }
    const d: number[] = [];
    const g: number[] = [];
    const gatewayCpu0 = await cpuSeconds(gatewayPid);
    for (let i = 0; i < CALLS; i++) {
      d.push(await timed(echo(direct, i)));
      g.push(await timed(echo(gateway, i)));
    }
    const gatewayCpu1 = await cpuSeconds(gatewayPid);

    // Where the gateway's time goes: the two Warden round trips it makes per call.
    const warden = new Warden({ url: wardenUrl, apiKey });
    const ask: number[] = [];
    const report: number[] = [];
    for (let i = 0; i < Math.min(CALLS, 1000); i++) {
      let id = "";
      ask.push(await timed(async () => (id = (await warden.ask({ action: "mcp.everything.echo", input: { message: `hi ${i}` }, context: { mcp: { upstream: "everything", tool: "echo" } } })).id)));
      report.push(await timed(() => warden.reportResult(id, { status: "succeeded", output: { content: [{ type: "text", text: `Echo: hi ${i}` }] } })));
    }

    const [sd, sg] = [stats(d), stats(g)];
    console.log(`\nMCP gateway overhead — server-everything echo, ${CALLS} sequential calls each (after ${WARMUP} warm-up), alternating, ${os.cpus().length} cores, Node ${process.version}\n`);
    console.log(fmt("direct (client → server over stdio)", sd));
    console.log(fmt("through the gateway (stdio → stdio)", sg));
    console.log(`\n  overhead: p50 +${(sg.p50 - sd.p50).toFixed(2)} ms, p99 +${(sg.p99 - sd.p99).toFixed(2)} ms   [target p50 ≤ ${TARGET_P50_OVERHEAD_MS} ms over direct]`);
    if (gatewayCpu0 !== null && gatewayCpu1 !== null) console.log(`  the gateway process's own CPU: ${(((gatewayCpu1 - gatewayCpu0) * 1000) / CALLS).toFixed(2)} ms per call (user + system)`);
    const [load1] = os.loadavg();
    console.log(`  load average during the run: ${load1!.toFixed(1)} on ${os.cpus().length} cores${load1! > os.cpus().length ? " — the machine is busy; latencies are inflated" : ""}`);
    console.log(`\n  of which Warden (the same calls from this process, no gateway):`);
    console.log(fmt("  POST /v1/actions (decision + audit)", stats(ask)));
    console.log(fmt("  POST /v1/actions/{id}/result", stats(report)));
    console.log("");
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await closeBus();
    await closeDb();
    await db.dispose();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
