// `npm run demo:agents`: realistic retail traffic from the demo estate's agents, through the
// SDK, against a running Warden — price changes, reorders, refunds, styling — so the
// dashboard has life and the policies fire.
//   WARDEN_URL (default http://localhost:3000), WARDEN_TOKEN or WARDEN_ADMIN_EMAIL + WARDEN_ADMIN_PASSWORD
//   --rate N (actions/s, default 5)  --duration S (default: until Ctrl-C)  --once (one round)
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Warden, WardenError, WardenUnavailable, type ActionRequest } from "../sdk/src/index.ts";

const url = (process.env.WARDEN_URL ?? "http://localhost:3000").replace(/\/$/, "");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rate = Number(arg("rate") ?? 5);
const duration = arg("duration") ? Number(arg("duration")) : Infinity;
const once = process.argv.includes("--once");
const keysFile = path.join(process.env.WARDEN_DATA_DIR ?? ".data", "demo-agent-keys.json");

type Agent = { id: string; name: string; cohort: string; status: string };

async function adminToken(): Promise<string> {
  if (process.env.WARDEN_TOKEN) return process.env.WARDEN_TOKEN;
  const email = process.env.WARDEN_ADMIN_EMAIL;
  const password = process.env.WARDEN_ADMIN_PASSWORD;
  if (!email || !password) throw new Error("Set WARDEN_TOKEN, or WARDEN_ADMIN_EMAIL and WARDEN_ADMIN_PASSWORD (the login Warden printed at first start)");
  const res = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** One key per demo agent, kept between runs (mode 600) so keys don't pile up. */
async function agentKeys(token: string): Promise<{ agent: Agent; warden: Warden }[]> {
  const auth = { authorization: `Bearer ${token}` };
  const agents = ((await (await fetch(`${url}/api/agents`, { headers: auth })).json()) as { agents: Agent[] }).agents;
  let saved: Record<string, string> = {};
  try {
    saved = JSON.parse(await readFile(keysFile, "utf8")) as Record<string, string>;
  } catch {
    /* first run */
  }
  const out: { agent: Agent; warden: Warden }[] = [];
  for (const agent of agents) {
    let key = saved[agent.id];
    if (key && (await fetch(`${url}/v1/agent`, { headers: { authorization: `Bearer ${key}` } })).status !== 200) key = undefined;
    if (!key) {
      const res = await fetch(`${url}/api/agents/${agent.id}/keys`, { method: "POST", headers: auth });
      if (res.status !== 201) throw new Error(`could not issue a key for ${agent.name}: ${res.status}`);
      key = ((await res.json()) as { apiKey: string }).apiKey;
      saved[agent.id] = key;
    }
    out.push({ agent, warden: new Warden({ url, apiKey: key, waitSeconds: 0, onResultReportError: (e) => console.warn(`  result not reported: ${String(e)}`) }) });
  }
  await mkdir(path.dirname(keysFile), { recursive: true });
  await writeFile(keysFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  await chmod(keysFile, 0o600);
  return out;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const sku = () => `LUX-${String(Math.floor(Math.random() * 400)).padStart(4, "0")}`;
const round = (n: number) => Math.round(n * 100) / 100;

/** A plausible request for this agent's line of work. */
function nextRequest(agent: Agent): ActionRequest & { applied?: number } {
  const r = Math.random();
  switch (agent.cohort) {
    case "pricing": {
      const s = sku();
      const tag = pick(["flagship", "core", "core", "outlet"] as const);
      const current = tag === "flagship" ? 180 + Math.floor(Math.random() * 900) : 40 + Math.floor(Math.random() * 300);
      const cut = r < 0.12 ? 0.35 + Math.random() * 0.3 : Math.random() * 0.15; // mostly small moves, sometimes deep cuts
      let price = round(current * (1 - cut));
      if (tag === "flagship" && r > 0.95) price = 89; // the bug a floor exists for
      const applied = Math.random() < 0.05 ? round(price * 1.1) : price; // the store system sometimes disagrees
      return { action: "pricing.set_price", resource: `sku:${s}`, input: { sku: s, currentPrice: current, price, currency: "EUR", tags: [tag], discountPct: Math.round(cut * 100) }, applied };
    }
    case "inventory": {
      const s = sku();
      const units = r < 0.08 ? 1200 + Math.floor(Math.random() * 8000) : 10 + Math.floor(Math.random() * 190);
      return { action: "inventory.reorder", resource: `sku:${s}`, input: { sku: s, store: pick(["paris-flagship", "milan-montenapoleone", "london-bond-st", "nyc-madison"]), units, unitCost: round(20 + Math.random() * 200) } };
    }
    case "customer-service": {
      const order = `${100000 + Math.floor(Math.random() * 899999)}`;
      if (r < 0.3) return { action: "orders.reship", resource: `order:${order}`, input: { orderId: order, carrier: pick(["DHL", "UPS", "Colissimo"]) } };
      const amount = r > 0.9 ? round(600 + Math.random() * 2500) : round(20 + Math.random() * 400);
      return { action: "orders.refund", resource: `order:${order}`, input: { orderId: order, amount, currency: "EUR", reason: pick(["damaged", "late", "wrong size", "goodwill"]) }, context: { channel: pick(["chat", "email", "store"]) } };
    }
    default: {
      const n = r < 0.1 ? 9 + Math.floor(Math.random() * 4) : 2 + Math.floor(Math.random() * 5);
      return { action: "stylist.recommend", resource: `customer:${Math.floor(Math.random() * 50000)}`, input: { customerSegment: pick(["vip", "new", "returning"]), items: Array.from({ length: n }, sku) } };
    }
  }
}

const stats = { allow: 0, deny: 0, pending: 0, errors: 0, flagged: 0 };

async function carryOut(agent: Agent, warden: Warden, id: string, req: ActionRequest, applied: number | undefined, how: string) {
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 80)); // the side effect
  const output = req.action === "pricing.set_price" ? { appliedPrice: applied } : { ok: true };
  const { flags } = await warden.report(id, { status: "succeeded", output });
  stats.allow++;
  if (flags.length) stats.flagged++;
  console.log(`${agent.name.padEnd(22)} ${req.action.padEnd(18)} ${how.padEnd(8)} ${flags.length ? `⚑ ${flags.map((f) => f.message).join("; ")}` : ""}`);
}

/** Waits in the background for a human, then acts (or not): traffic keeps flowing meanwhile. */
async function awaitHuman(agent: Agent, warden: Warden, id: string, req: ActionRequest, applied: number | undefined) {
  try {
    for (let i = 0; i < 60; i++) {
      const a = await warden.get(id, 60);
      if (a.decision === "pending") continue;
      stats.pending--;
      if (a.decision === "allow") return await carryOut(agent, warden, id, req, applied, "approved");
      stats.deny++;
      return console.log(`${agent.name.padEnd(22)} ${req.action.padEnd(18)} ${a.status.padEnd(8)} ${a.reasons.map((r) => r.message).join("; ")}`);
    }
  } catch (err) {
    console.log(`${agent.name.padEnd(22)} stopped waiting for ${id}: ${(err as Error).message}`);
  }
}

async function act({ agent, warden }: { agent: Agent; warden: Warden }) {
  const { applied, ...req } = nextRequest(agent);
  try {
    const a = await warden.ask({ ...req, wait: 0 });
    if (a.decision === "allow") return await carryOut(agent, warden, a.id, req, applied, "allow");
    if (a.decision === "pending") {
      stats.pending++;
      console.log(`${agent.name.padEnd(22)} ${req.action.padEnd(18)} pending  awaiting approval: ${a.reasons.map((r) => r.message).join("; ")}`);
      void awaitHuman(agent, warden, a.id, req, applied);
      return;
    }
    stats.deny++;
    console.log(`${agent.name.padEnd(22)} ${req.action.padEnd(18)} deny     ${a.reasons.map((r) => r.message).join("; ")}`);
  } catch (err) {
    stats.errors++;
    console.log(`${agent.name.padEnd(22)} ${req.action.padEnd(18)} error    ${err instanceof WardenUnavailable || err instanceof WardenError ? err.message : String(err)}`);
  }
}

async function main() {
  let fleet: { agent: Agent; warden: Warden }[] = [];
  for (;;) {
    try {
      fleet = await agentKeys(await adminToken());
      break;
    } catch (err) {
      console.error(`Warden not ready at ${url}: ${(err as Error).message}; retrying in 5 s`);
      if (once) process.exit(1);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  if (fleet.length === 0) throw new Error("no agents registered");
  console.log(`Driving ${fleet.length} agents at ${rate}/s against ${url} (Ctrl-C to stop)`);
  // Pending actions wait for a human in the background, so traffic keeps flowing.
  const started = Date.now();
  const summary = setInterval(() => console.log(`— last totals: ${JSON.stringify(stats)}`), 10_000);
  if (once) {
    await Promise.all(fleet.map(act));
  } else {
    while ((Date.now() - started) / 1000 < duration) {
      void act(pick(fleet));
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
  }
  clearInterval(summary);
  console.log(`totals: ${JSON.stringify(stats)}`);
  process.exit(0);
}

process.on("SIGINT", () => {
  console.log(`\ntotals: ${JSON.stringify(stats)}`);
  process.exit(0);
});
await main();
