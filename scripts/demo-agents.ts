// `npm run demo:agents`: realistic retail traffic from the demo estate's agents, through the SDK's
// guard, against a running Warden — price changes, reorders, refunds, reships, styling — so the
// dashboard has life and the policies fire (floors deny, deep cuts and big refunds wait for a
// human, a mis-applied price gets flagged, the stylist trial shows in shadow). Agents read the
// approved knowledge first (price floors, return windows) and cite the version they used; now
// and then a pricing agent goes below its floor, customer service quotes the wrong return
// window, and a stylist recommends a competitor (spelt in full-width letters, too): the
// knowledge policies deny or flag them. Markdowns over 40 % climb the escalation path
// (merchandising, then finance); client-care agents hand unsure cases to a person (`handoff`);
// an approver who lowers a price or a refund is obeyed: the guarded function acts on the
// approved input.
//
//   WARDEN_URL             default http://localhost:$PORT (PORT as given to `npm start`, default 3000)
//   WARDEN_TOKEN           an API token (operator or above), or
//   WARDEN_ADMIN_EMAIL + WARDEN_ADMIN_PASSWORD   to log in (the login `npm start` printed)
//   --rate N               actions per second (default 5)
//   --escalations N        at most N new actions a minute that wait for a human (default 2), and
//                          none while the approval queue holds 15 or more: one person can keep up
//                          (scripts/demo/pacing.ts); the rest of the traffic is unpaced
//   --duration S           stop after S seconds, counted from the start: waiting for Warden to
//                          answer included (default: until Ctrl-C; then it waits for Warden forever)
//   --once                 one action per agent, then exit
//   --scenario flood       the same traffic with escalations unpaced (about 10 a minute at the
//                          default rate): more than one person can decide; the queue fills up
//   --scenario breaker     a pricing feed glitch: a burst of flagship prices under the floor from
//                          the pricing agents, until the pricing-deny-spike breaker opens the
//                          pricing cohort (their next actions are denied circuit_open); then exit
//   --scenario bad-release  a canary of the pricing agent's new version (pricing-2026.11.3, an
//                          aggressive clearance heuristic) against the current one: started here
//                          unless an operator already started it from the dashboard; most traffic
//                          goes to that agent (default rate 40/s), the candidate's deeper cuts are
//                          denied and escalated more often, and the guards roll it back by themselves
//
// Agents with versions (the demo's stylist-web and price-optimizer-eu) ask Warden which version
// to run for each customer or SKU (`release(key)`), behave as that version, and the SDK attaches
// the version to each action.
//
// Agent keys are issued once and kept in $WARDEN_DATA_DIR/demo-agent-keys.json (mode 600); the
// next run reuses those Warden still accepts, so keys don't pile up.
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEMO_VERSIONS } from "../lib/seed/index.ts";
import { findWarden, NotReady, NotWarden } from "./demo/find-warden.ts";
import { DEFAULT_PACING, EscalationPacer } from "./demo/pacing.ts";
import { ActionDenied, ApprovalTimeout, Warden, WardenError, WardenUnavailable, type ActionRequest, type Reason } from "../sdk/src/index.ts";

// ── configuration ────────────────────────────────────────────────────────────────────────────
const startedAt = Date.now();
// Set by findWarden before anything secret is sent: WARDEN_URL, localhost:$PORT, or the runtime
// file the running Warden wrote in its data directory — never a guessed port.
let url = "";
const keysFile = path.join(process.env.WARDEN_DATA_DIR ?? ".data", "demo-agent-keys.json");
const args = (() => {
  try {
    return parseArgs({ options: { rate: { type: "string" }, escalations: { type: "string" }, duration: { type: "string" }, once: { type: "boolean" }, scenario: { type: "string" }, help: { type: "boolean", short: "h" } } }).values;
  } catch (err) {
    return fail(`${(err as Error).message}\nusage: npm run demo:agents -- [--rate N] [--duration S] [--once] [--escalations N] [--scenario flood|breaker|bad-release]`, 2);
  }
})();
if (args.help) fail("usage: npm run demo:agents -- [--rate N] [--duration S] [--once] [--escalations N] [--scenario flood|breaker|bad-release]   (env: WARDEN_URL or PORT, WARDEN_TOKEN or WARDEN_ADMIN_EMAIL/PASSWORD)", 0);
const scenario = args.scenario;
if (scenario !== undefined && scenario !== "bad-release" && scenario !== "breaker" && scenario !== "flood") fail(`unknown --scenario ${scenario} (known: flood, breaker, bad-release)`, 2);
const BAD_RELEASE = { agent: "price-optimizer-eu", candidate: "pricing-2026.11.3" } as const;
const rate = Number(args.rate ?? (scenario === "bad-release" ? 40 : 5));
const duration = args.duration === undefined ? Infinity : Number(args.duration);
const once = args.once ?? false;
if (!(rate > 0 && rate <= 500)) fail("--rate must be a number of actions per second between 0 and 500", 2);
if (!(duration > 0)) fail("--duration must be a positive number of seconds", 2);
const escalations = Number(args.escalations ?? DEFAULT_PACING.perMinute);
if (!(escalations >= 0 && escalations <= 600)) fail("--escalations must be a number of actions a minute between 0 and 600", 2);
// The everyday demo paces what waits for a human; the flood and the canary (whose guards compare
// escalation rates) are unpaced.
const pacer = scenario === undefined ? new EscalationPacer({ ...DEFAULT_PACING, perMinute: escalations }) : null;
let queued: number | null = null; // pending approvals in Warden's queue, polled every 5 s
const MAX_AWAITING = Math.min(500, Math.max(50, rate * 20)); // open long-polls for approvals
const MAX_IN_FLIGHT = Math.max(20, rate * 5); // beyond this Warden is slow: skip ticks, don't pile up

const SHOPPERS = ["claire.martin@example.com", "jules.bernard@example.org", "sofia.rossi@example.it", "liam.chen@example.net", "ines.garcia@example.es"];

type Agent = { id: string; name: string; cohort: string; owner: string; riskTier: string; status: string };
/** `versioned`: the agent has registered versions, so each action asks which one to run. */
type Driven = { agent: Agent; warden: Warden; versioned: boolean };
/** `effect` gets the input to act on: the request's, or the one an approver changed it to. */
type Planned = { request: ActionRequest; effect: (input: Record<string, unknown>) => Promise<unknown> };
/** The version an action runs under (from `release(key)`) and the routing key it was asked for. */
type Release = { version: string | null; key: string | null };
type Plan = (agent: Agent, warden: Warden, release: Release) => Promise<Planned>;

class Fatal extends Error {} // retrying can't fix it: stop with a message
class SideEffectFailed extends Error {} // the simulated business system said no
class StoppedWaiting extends Error {}

function fail(message: string, code = 1): never {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

// ── control plane: admin token, agents, keys ─────────────────────────────────────────────────
let adminToken: string | undefined = process.env.WARDEN_TOKEN;

async function login(): Promise<string> {
  const email = process.env.WARDEN_ADMIN_EMAIL;
  const password = process.env.WARDEN_ADMIN_PASSWORD;
  if (!email || !password) throw new Fatal("Set WARDEN_TOKEN, or WARDEN_ADMIN_EMAIL and WARDEN_ADMIN_PASSWORD (the login `npm start` printed).");
  const res = await fetch(`${url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }), signal: AbortSignal.timeout(10_000) });
  if (res.status === 401) throw new Fatal(`Login refused for ${email}: wrong e-mail or password.`);
  if (!res.ok) throw new Error(`login answered ${res.status}`);
  const { token } = (await res.json()) as { token?: unknown };
  if (typeof token !== "string") throw new Error("login answered without a token");
  return token;
}

async function admin<T>(method: "GET" | "POST", route: string, relogged = false, body?: unknown): Promise<T> {
  adminToken ??= await login();
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 401 && !relogged && !process.env.WARDEN_TOKEN) {
    adminToken = undefined; // a login token lasts hours, not forever
    return admin(method, route, true, body);
  }
  if (res.status === 401 || res.status === 403) throw new Fatal(`${method} ${route} refused (${res.status}): the token needs the operator role or above.`);
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

type KeyStore = Record<string, Record<string, string>>; // Warden URL → agent id → key

async function loadKeys(): Promise<KeyStore> {
  try {
    const raw = JSON.parse(await readFile(keysFile, "utf8")) as Record<string, unknown>;
    const store: KeyStore = {};
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === "string") (store[url] ??= {})[k] = v; // the older flat layout: try them here
      else if (v && typeof v === "object") store[k] = Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
    }
    return store;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") console.warn(`ignoring unreadable ${keysFile}: ${(err as Error).message}`);
    return {};
  }
}

async function saveKeys(store: KeyStore): Promise<void> {
  await mkdir(path.dirname(keysFile), { recursive: true, mode: 0o700 });
  const tmp = `${keysFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, keysFile);
}

function agentClient(apiKey: string): Warden {
  return new Warden({
    url,
    apiKey,
    timeoutMs: 5000,
    waitSeconds: 30,
    maxWaitMs: 10 * 60_000,
    onResultReportError: (err, { actionId, result }) => console.warn(`   result of ${actionId} (${result.status}) not reported: ${(err as Error).message}`),
  });
}

/** A saved key still works for this agent? Unknown when Warden is down: that throws. */
async function keyWorks(agent: Agent, key: string): Promise<boolean> {
  try {
    return (await new Warden({ url, apiKey: key }).whoami()).id === agent.id;
  } catch (err) {
    if (err instanceof WardenError && !(err instanceof WardenUnavailable)) return false;
    throw err;
  }
}

async function provision(): Promise<Driven[]> {
  const listed = await admin<{ agents?: unknown }>("GET", "/api/agents");
  if (!Array.isArray(listed.agents)) throw new Error("GET /api/agents answered without an agents list");
  const agents = listed.agents as Agent[];
  const store = await loadKeys();
  const saved = (store[url] ??= {});
  const fleet: Driven[] = [];
  const skipped: string[] = [];
  for (const agent of agents) {
    if (!TRAFFIC[agent.cohort]) {
      skipped.push(`${agent.name} (${agent.cohort})`);
      continue;
    }
    let key = saved[agent.id];
    if (key && !(await keyWorks(agent, key))) key = undefined;
    if (!key) {
      const issued = await admin<{ apiKey?: unknown }>("POST", `/api/agents/${encodeURIComponent(agent.id)}/keys`);
      if (typeof issued.apiKey !== "string") throw new Error(`no key in the answer for ${agent.name}`);
      key = saved[agent.id] = issued.apiKey;
      await saveKeys(store); // at once: a key issued and then lost would pile up
      console.log(`issued a key for ${agent.name}`);
    }
    const warden = agentClient(key);
    fleet.push({ agent, warden, versioned: (await warden.release("probe")).version !== null });
  }
  for (const id of Object.keys(saved)) if (!agents.some((a) => a.id === id)) delete saved[id];
  await saveKeys(store);
  if (skipped.length) console.log(`no traffic profile for: ${skipped.join(", ")}`);
  if (fleet.length === 0) throw new Fatal(`No agents in the cohorts ${Object.keys(TRAFFIC).join(", ")} — is the demo estate seeded (WARDEN_SEED_DEMO)?`);
  const halted = fleet.filter((d) => d.agent.status === "halted").map((d) => d.agent.name);
  if (halted.length) console.log(`halted (their actions will be denied): ${halted.join(", ")}`);
  return fleet;
}

// ── traffic: what each cohort does ───────────────────────────────────────────────────────────
const rnd = (min: number, max: number) => min + Math.random() * (max - min);
const int = (min: number, max: number) => Math.floor(rnd(min, max + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const money = (n: number) => Math.round(n * 100) / 100;
const chance = (p: number) => Math.random() < p;
/** An action that would wait for a human may start (scripts/demo/pacing.ts); ask only when about to plan one. */
const mayEscalate = () => pacer === null || pacer.take(Date.now(), Math.max(queued ?? 0, awaiting.size));
const latency = () => new Promise((r) => setTimeout(r, int(20, 120)));
const sku = () => `LUX-${String(int(1, 480)).padStart(4, "0")}`;

/** The routing key an action of this cohort is released by (a SKU, a customer), or none. */
const ROUTING: Record<string, () => string> = { pricing: () => `sku:${sku()}`, stylist: () => `customer:C-${int(10_000, 99_999)}` };

/** The approved record an agent works from, and its citation for `context.knowledge`; null when it can't be read. */
async function fact(warden: Warden, set: string, key: string): Promise<{ value: Record<string, unknown>; cite: { set: string; version: number } } | null> {
  try {
    const r = await warden.knowledge(set).get(key);
    return r ? { value: r.value as Record<string, unknown>, cite: { set, version: r.version } } : null;
  } catch {
    return null; // not granted, or Warden unreachable: the agent acts without it (policies still check)
  }
}

const COMPETITOR_MENTIONS = ["a Zara blazer", "a Ｚａｒａ blazer", "an H&M knit", "Uniqlo basics", "a Massimo Dutti coat", "Hermes-style loafers from Mango"];

const TRAFFIC: Record<string, Plan> = {
  async pricing(agent, warden, release) {
    const s = release.key?.replace(/^sku:/, "") ?? sku();
    // The candidate's aggressive clearance heuristic cuts deeper and ignores floors more often.
    const aggressive = release.version === BAD_RELEASE.candidate;
    const tag = pick(["flagship", "core", "core", "outlet"] as const);
    const currency = agent.name.endsWith("-us") ? "USD" : "EUR";
    const currentPrice = { flagship: int(450, 4800), core: int(120, 900), outlet: int(40, 300) }[tag];
    let cut = chance(aggressive ? 0.3 : 0.1) && mayEscalate() ? int(31, 60) : chance(0.8) ? int(1, 15) : -int(1, 8); // mostly small moves, sometimes deep cuts
    let price = money(currentPrice * (1 - cut / 100));
    if (tag === "flagship" && chance(aggressive ? 0.3 : 0.04)) {
      price = int(59, 99); // the feed glitch a price floor exists for
      cut = Math.round((1 - price / currentPrice) * 100);
    }
    // The approved floor for this SKU: respected, except now and then (the knowledge policy denies it).
    const floor = await fact(warden, "price-floors", s);
    const min = typeof floor?.value.floor === "number" ? floor.value.floor : 0;
    if (price < min && !chance(0.3)) price = money(min * (1 + rnd(0, 0.1)));
    else if (chance(0.05) && min > 0) price = money(min * 0.9);
    cut = Math.round((1 - price / currentPrice) * 100);
    return {
      request: {
        action: "pricing.set_price",
        resource: `sku:${s}`,
        input: { sku: s, currentPrice, price, currency, tags: [tag], discountPct: cut },
        context: { source: pick(["competitor-feed", "sell-through", "season-plan"]), ...(floor ? { knowledge: [floor.cite] } : {}) },
      },
      effect: async (input) => {
        await latency();
        // The price to set is the approved one (an approver may have lowered it).
        const approved = typeof input.price === "number" ? input.price : price;
        // 1 in 20: the store system applies another price than asked (the post-check flags it).
        const appliedPrice = chance(0.05) ? money(approved * pick([0.9, 1.02, 1.1])) : approved;
        return { sku: s, appliedPrice, currency };
      },
    };
  },
  async inventory(agent) {
    const s = sku();
    const stores = agent.name.includes("paris") ? ["paris-flagship", "paris-saint-honore", "paris-marais"] : agent.name.includes("milan") ? ["milan-montenapoleone", "milan-brera", "turin-roma"] : ["london-bond-street", "new-york-madison", "tokyo-ginza", "paris-flagship"];
    const units = chance(0.07) && mayEscalate() ? int(1001, 6000) : chance(0.9) ? int(6, 199) : int(200, 900);
    const input = { sku: s, store: pick(stores), units, unitCost: money(rnd(35, 900)) };
    return {
      request: { action: "inventory.reorder", resource: `sku:${s}`, input },
      effect: async (approved) => {
        await latency();
        if (chance(0.02)) throw new SideEffectFailed("supplier EDI timed out");
        return { purchaseOrder: `PO-${int(100000, 999999)}`, units: approved.units ?? units };
      },
    };
  },
  async "customer-service"(agent, warden) {
    const orderId = `MSN-${int(1_000_000, 9_999_999)}`;
    const country = pick(["FR", "FR", "DE", "IT", "GB", "US", "JP"]);
    const currency = pick(["EUR", "EUR", "USD", "GBP"]);
    if (chance(agent.name === "order-tracker" ? 0.7 : 0.2)) {
      const carrier = pick(["DHL", "UPS", "FedEx", "Colissimo"]);
      return {
        request: { action: "orders.reship", resource: `order:${orderId}`, input: { orderId, carrier, reason: pick(["lost in transit", "damaged parcel", "wrong address corrected"]) } },
        effect: async () => {
          await latency();
          if (chance(0.02)) throw new SideEffectFailed(`${carrier} API unavailable`);
          return { trackingNumber: `${carrier.slice(0, 2).toUpperCase()}${int(100_000_000, 999_999_999)}` };
        },
      };
    }
    const big = chance(agent.name === "vip-concierge" ? 0.25 : 0.08) && mayEscalate(); // more than 500: a human checks
    const amount = big ? money(rnd(520, 3200)) : money(rnd(25, 480));
    // The published return window for the customer's country; 1 in 12 replies quotes another (flagged).
    const policy = await fact(warden, "return-policy", country);
    const days = typeof policy?.value.days === "number" ? policy.value.days : 30;
    const quotedReturnDays = chance(1 / 12) ? pick([14, 45, 60, 90].filter((d) => d !== days)) : days;
    const message = chance(0.05)
      ? `Sorry for the trouble — next time ${pick(COMPETITOR_MENTIONS)} might suit you better. You can return items within ${quotedReturnDays} days.`
      : `Your refund is on its way. You can return items within ${quotedReturnDays} days, ${policy?.value.conditions ? String(policy.value.conditions).toLowerCase() : "unworn"}.`;
    // How sure the agent is of its reading of the ticket; unsure cases go to a person.
    const confidence = Math.round((chance(0.1) && (big || mayEscalate()) ? rnd(0.25, 0.55) : rnd(0.7, 0.99)) * 100) / 100;
    const reason = pick(["damaged", "late delivery", "wrong size", "goodwill gesture"]);
    return {
      request: {
        action: "orders.refund",
        resource: `order:${orderId}`,
        input: { orderId, amount, currency, country, reason },
        // Real support tickets carry the shopper's contact details: Warden stores them redacted.
        context: { channel: pick(["chat", "email", "store"]), customer: { email: pick(SHOPPERS), phone: `+33 6 ${int(10, 99)} ${int(10, 99)} ${int(10, 99)} ${int(10, 99)}` }, ...(policy ? { knowledge: [policy.cite] } : {}) },
        ...(confidence < 0.6 ? { handoff: { reason: pick([`unsure the ${reason} claim is covered`, "the customer's story and the order don't match", "first refund on a new account"]), confidence } } : {}),
      },
      effect: async (approved) => {
        await latency();
        // The amount to refund is the approved one (a client care lead may have lowered it).
        return { refundId: `re_${int(10_000_000, 99_999_999)}`, amount: approved.amount ?? amount, currency, quotedReturnDays, message };
      },
    };
  },
  async stylist(_agent, _warden, release) {
    // stylist-v15 (maxItems 10) proposes bigger looks: the shadow trial notices more often.
    const items = Array.from({ length: chance(release.version === "stylist-v15" ? 0.3 : 0.08) ? int(9, 12) : int(3, 6) }, sku); // over 8: the shadow trial notices
    // Mostly our own pieces; 1 in 8 looks recommends a competitor (the post-check flags it).
    const message = chance(1 / 8) ? `This look pairs beautifully with ${pick(COMPETITOR_MENTIONS)}.` : `A look built around ${items[0]}: ${pick(["silk scarf", "cashmere coat", "leather loafers", "tailored trousers"])} and our new season pieces.`;
    return {
      request: { action: "stylist.recommend", resource: release.key ?? `customer:C-${int(10_000, 99_999)}`, input: { customerSegment: pick(["vip", "loyal", "new", "gifting"]), items } },
      effect: async () => {
        await latency();
        return { lookId: `look_${int(100_000, 999_999)}`, recommended: items.length, message };
      },
    };
  },
};

// ── counting and printing ────────────────────────────────────────────────────────────────────
const OUTCOMES = ["asked", "allowed", "approved", "changed", "denied", "pending", "staged", "handedOff", "rejected", "expired", "gaveUp", "failed", "flagged", "errors"] as const;
type Outcome = (typeof OUTCOMES)[number];
const zero = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
const total = zero();
let recent = zero();
const count = (o: Outcome) => {
  total[o]++;
  recent[o]++;
};
const awaiting = new Map<string, AbortController>(); // pending actions whose guards wait for a human
let inFlight = 0;

const time = () => new Date().toISOString().slice(11, 19);
const why = (reasons: Reason[]) => reasons.map((r) => r.message).filter(Boolean).join("; ");
function line(d: Driven, req: ActionRequest, decision: string, detail = "", shadow: Reason[] = []) {
  const trial = shadow.length ? `  (shadow: ${why(shadow)})` : "";
  console.log(`${time()} ${d.agent.name.padEnd(21)} ${req.action.padEnd(18)} ${(req.resource ?? "").padEnd(18)} ${decision.padEnd(9)} ${detail}${trial}`);
}
function summary(label: string, c: Record<Outcome, number>) {
  return `── ${label}: ${c.asked} asked · ${c.allowed} allowed · ${c.denied} denied · ${c.pending} pending (${c.staged} staged, ${c.handedOff} hand-offs) → ${c.approved} approved (${c.changed} with changes), ${c.rejected} rejected, ${c.expired} expired, ${c.gaveUp} not waited for · ${c.failed} failed · ${c.flagged} flagged · ${c.errors} errors │ awaiting approval: ${awaiting.size}${pacer ? ` │ queue: ${queued ?? "?"} pending, ${pacer.inLastMinute(Date.now())} new in the last minute (paced: ≤ ${escalations}/min, none at ≥ ${DEFAULT_PACING.queueHigh})` : ""}`;
}

// ── one action ───────────────────────────────────────────────────────────────────────────────
/** Runs one action through guard; `answered` fires at the first decision (pending included). */
async function act(d: Driven, answered: () => void = () => undefined): Promise<void> {
  let release: Release = { version: null, key: null };
  const route = ROUTING[d.agent.cohort];
  if (d.versioned && route) {
    const key = route();
    try {
      release = { version: (await d.warden.release(key)).version, key };
    } catch (err) {
      count("errors");
      if (err instanceof WardenUnavailable) wardenDown(err);
      answered();
      return;
    }
  }
  let plan: Planned;
  try {
    plan = await TRAFFIC[d.agent.cohort]!(d.agent, d.warden, release);
  } catch (err) {
    count("errors");
    console.log(`${time()} ${d.agent.name} could not plan an action: ${String(err)}`);
    answered();
    return;
  }
  // The SDK attaches the version Warden assigned this key.
  const req: ActionRequest = release.key ? { ...plan.request, releaseKey: release.key } : plan.request;
  const stop = new AbortController();
  let pendingId: string | undefined;
  count("asked");
  inFlight++;
  try {
    // wait: 0 — a pending action is logged at once and waited for in the background.
    const out = await d.warden.guard(req, plan.effect, {
      wait: 0,
      signal: stop.signal,
      onPending: (a) => {
        count("pending");
        if (req.handoff) count("handedOff");
        if (a.stage && a.stage.of > 1) count("staged");
        inFlight--;
        pendingId = a.id;
        answered();
        if (awaiting.size >= MAX_AWAITING) {
          count("gaveUp");
          line(d, req, "pending", `not waiting (${awaiting.size} already awaiting approval): ${why(a.reasons)}`, a.shadow);
          stop.abort(new StoppedWaiting());
          return;
        }
        awaiting.set(a.id, stop);
        const stage = a.stage ? ` (${a.stage.of > 1 ? `stage ${a.stage.index + 1} of ${a.stage.of}, ` : ""}${a.stage.team ?? "any approver"})` : "";
        line(d, req, req.handoff ? "handoff" : "pending", `awaiting approval${stage}: ${why(a.reasons)}`, a.shadow);
      },
    });
    count(out.action.status === "approved" ? "approved" : "allowed");
    if (out.action.approvedChanges?.length) count("changed");
    if (out.flags.length) count("flagged");
    const changed = out.action.approvedChanges?.length ? `approved with changes: ${out.action.approvedChanges.map((c) => `${c.path.replace(/^input\./, "")} ${String(c.from)} → ${String(c.to)}`).join(", ")} — acted on it ` : "";
    const flagged = out.flags.length ? `⚑ ${out.flags.map((f) => f.message).join("; ")}` : "";
    line(d, req, out.action.status, `${changed}${flagged}`, out.action.shadow);
  } catch (err) {
    if (err instanceof ActionDenied) {
      count(err.status === "rejected" || err.status === "expired" ? err.status : "denied");
      line(d, req, err.status, why(err.reasons), err.answer.shadow);
    } else if (err instanceof ApprovalTimeout) {
      count("gaveUp");
      line(d, req, "gave up", `no decision on ${err.actionId} in ${Math.round(err.waitedMs / 1000)} s; it stays in the queue`);
    } else if (err instanceof SideEffectFailed) {
      count("failed");
      line(d, req, "failed", `${err.message} (reported to Warden)`);
    } else if (err instanceof StoppedWaiting || stop.signal.aborted) {
      if (!(err instanceof StoppedWaiting)) count("gaveUp");
    } else if (err instanceof WardenUnavailable) {
      count("errors");
      wardenDown(err);
    } else if (err instanceof WardenError) {
      count("errors");
      line(d, req, "error", `${err.status} ${err.code}: ${err.message}`);
      if (err.status === 401) void refreshFleet(`${d.agent.name}'s key was refused`);
    } else {
      count("errors");
      line(d, req, "error", String(err));
    }
  } finally {
    if (pendingId === undefined) inFlight--;
    else awaiting.delete(pendingId);
    answered();
  }
}

// ── staying up while Warden isn't ────────────────────────────────────────────────────────────
let fleet: Driven[] = [];
let downSince: number | null = null;
let refreshing: Promise<void> | null = null;
let lastRefresh = 0;
let stopping = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Warden unreachable: pause traffic (log once), probe with backoff, resume when it answers. */
function wardenDown(err: Error) {
  if (downSince !== null) return;
  downSince = Date.now();
  console.log(`${time()} !! Warden unavailable (${err.message}); traffic paused, probing until it answers`);
  void (async () => {
    for (let delay = 2000; !stopping; delay = Math.min(30_000, delay * 1.5)) {
      await sleep(delay);
      try {
        await fleet[0]!.warden.whoami();
      } catch (e) {
        if (e instanceof WardenUnavailable) continue;
        void refreshFleet("the probe's key was refused"); // reachable, but the estate changed
      }
      console.log(`${time()} Warden answers again after ${Math.round((Date.now() - downSince!) / 1000)} s; resuming`);
      downSince = null;
      return;
    }
  })();
}

/** Keys refused (revoked, database reset): provision again, at most every 30 s. */
function refreshFleet(why: string): Promise<void> {
  if (refreshing || Date.now() - lastRefresh < 30_000) return refreshing ?? Promise.resolve();
  lastRefresh = Date.now();
  console.log(`${time()} ${why}; checking keys again`);
  refreshing = setUp()
    .then((f) => void (fleet = f))
    .catch((err: unknown) => console.error(`${time()} could not refresh agent keys: ${(err as Error).message}`))
    .finally(() => (refreshing = null));
  return refreshing;
}

/** Provisions the fleet, waiting for Warden to come up (unless --once) until `until` (ms since the epoch). */
async function setUp(until = Infinity): Promise<Driven[]> {
  for (let attempt = 1; ; attempt++) {
    let where = url;
    try {
      return await beforeDeadline(
        (async () => {
          // Nothing secret (login, token, agent keys) leaves before this says it is Warden.
          const found = await findWarden();
          if (found.url !== url) console.log(`Warden found at ${found.url} (${found.via})`);
          url = where = found.url;
          return provision();
        })(),
        until,
      );
    } catch (err) {
      if (err instanceof Fatal || err instanceof NotWarden) fail(err.message);
      if (err instanceof NotReady) where = err.where;
      else where ||= process.env.WARDEN_URL || (process.env.PORT ? `http://localhost:${process.env.PORT}` : "");
      const cause = (err as Error & { cause?: Error }).cause?.message;
      const message = `Warden not ready at ${where}: ${(err as Error).message}${cause ? ` (${cause})` : ""}`;
      if (once || stopping) fail(`${message}\n${WHERE}`);
      const delay = Math.min(30_000, 5000 * attempt, until - Date.now());
      if (delay <= 0) fail(`${message}\nGave up after --duration ${duration} s. ${WHERE}`);
      console.error(`${message}; retrying in ${Math.ceil(delay / 1000)} s`);
      await sleep(delay);
    }
  }
}
/** `work`, or a rejection when `until` (ms since the epoch) comes first: a hanging Warden can't outlast --duration. */
function beforeDeadline<T>(work: Promise<T>, until: number): Promise<T> {
  if (until === Infinity) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within --duration ${duration} s`)), Math.max(0, until - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
const WHERE = "Is Warden running there? Set WARDEN_URL, or PORT to the port `npm start` was given; with neither, the demo drives the Warden started from this directory (same WARDEN_DATA_DIR), once it runs.";

// ── the bad-release scenario ─────────────────────────────────────────────────────────────────
type RolloutGuard = { metric: string; verdict: string; candidate: { rate: number; n: number }; baseline: { rate: number; n: number } };
type Rollout = { id: string; status: string; step: number; share: number; candidate: string; baseline: string; guards: RolloutGuard[]; endedReason: string | null };

/** Makes sure the demo versions exist (an estate seeded before releases has none), registering the missing ones. */
async function ensureVersions(agent: Agent): Promise<void> {
  const have = new Set((await admin<{ version: string }[]>("GET", `/api/agents/${agent.id}/versions`)).map((v) => v.version));
  for (const v of DEMO_VERSIONS.filter((x) => x.agent === agent.name && !have.has(x.version))) {
    await admin("POST", `/api/agents/${agent.id}/versions`, false, { version: v.version, config: v.config, notes: v.notes });
    console.log(`registered ${agent.name} ${v.version}`);
  }
}

/** Starts (or finds, when an operator started it) the pricing canary and watches it. */
async function startBadRelease(): Promise<Driven> {
  const d = fleet.find((x) => x.agent.name === BAD_RELEASE.agent);
  if (!d) return fail(`--scenario bad-release needs the demo agent ${BAD_RELEASE.agent}`);
  await ensureVersions(d.agent);
  d.versioned = true;
  const { rollouts } = await admin<{ rollouts: Rollout[] }>("GET", `/api/agents/${d.agent.id}/rollouts`);
  let rollout = rollouts.find((r) => r.status === "running" || r.status === "paused");
  if (rollout) console.log(`${time()} canary ${rollout.id} of ${rollout.candidate} is already ${rollout.status} (step ${rollout.step}, ${rollout.share} %): driving it`);
  else {
    rollout = (
      await admin<{ rollout: Rollout }>("POST", `/api/agents/${d.agent.id}/rollouts`, false, {
        candidate: BAD_RELEASE.candidate,
        steps: [10, 25, 50, 100],
        minSamplesPerStep: 300,
        stepMinSeconds: 120,
        mode: "canary",
        guards: [
          { metric: "deny_rate", maxRelativeIncrease: 0.25 },
          { metric: "escalation_rate", maxRelativeIncrease: 0.25 },
        ],
      })
    ).rollout;
    console.log(`${time()} started canary ${rollout.id}: ${rollout.candidate} at ${rollout.share} % against ${rollout.baseline}`);
  }
  void watchRollout(rollout.id);
  return d;
}

async function watchRollout(id: string): Promise<void> {
  let last = "";
  while (!stopping) {
    await sleep(2000);
    let r: Rollout;
    try {
      r = await admin<Rollout>("GET", `/api/rollouts/${id}`);
    } catch {
      continue;
    }
    const guards = r.guards.map((g) => `${g.metric} ${g.verdict} (candidate ${(g.candidate.rate * 100).toFixed(1)} % of ${g.candidate.n}, baseline ${(g.baseline.rate * 100).toFixed(1)} % of ${g.baseline.n})`).join("; ");
    const now = `${r.status} step ${r.step} ${r.share} % │ ${guards}`;
    if (now !== last) console.log(`${time()} ▶ canary ${now}`);
    last = now;
    if (r.status === "rolled_back") {
      console.log(`${time()} ✖ ROLLED BACK BY ITSELF: ${r.endedReason}`);
      return;
    }
    if (r.status !== "running" && r.status !== "paused") {
      console.log(`${time()} canary ${r.status}: ${r.endedReason ?? ""}`);
      return;
    }
  }
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────
async function shutdown(code = 0): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  const left = awaiting.size;
  for (const stop of awaiting.values()) stop.abort(new StoppedWaiting());
  if (left) console.log(`${left} action${left === 1 ? "" : "s"} left awaiting approval in Warden's queue (see Approvals)`);
  for (let i = 0; inFlight > 0 && i < 50; i++) await sleep(100); // let allowed actions report
  console.log(summary("total", total));
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("unhandledRejection", (err) => console.error(`${time()} unexpected: ${String(err)}`)); // keep driving

fleet = await setUp(startedAt + duration * 1000);

// ── scenario: trip a breaker ─────────────────────────────────────────────────────────────────
/**
 * A pricing feed glitch: the pricing agents push flagship prices under the 100 floor, a few at
 * a time. The floor policy denies each; when more than 20 % of the cohort's decisions in 5
 * minutes are denials (at least 20), the demo's pricing-deny-spike breaker opens the whole
 * pricing cohort, and the next price change — even a sane one — is denied circuit_open.
 */
async function breakerScenario(): Promise<never> {
  const pricing = fleet.filter((d) => d.agent.cohort === "pricing");
  if (pricing.length === 0) fail("No pricing agents to drive (is the demo estate seeded?)");
  console.log(`Scenario breaker: ${pricing.length} pricing agents receive a corrupt feed — flagship prices under the floor`);
  const sane = (d: Driven) => d.warden.ask({ action: "pricing.set_price", resource: "sku:LUX-0001", input: { sku: "LUX-0001", currentPrice: 240, price: 229, currency: "EUR", tags: ["core"], discountPct: 5 } });
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline; i++) {
    // Five glitched prices at a time, then a look at whether the breaker holds the cohort.
    await Promise.all(
      Array.from({ length: 5 }, async (_, j) => {
        const d = pricing[(i * 5 + j) % pricing.length]!;
        const s = `LUX-${String(int(1, 480)).padStart(4, "0")}`;
        const req: ActionRequest = { action: "pricing.set_price", resource: `sku:${s}`, input: { sku: s, currentPrice: int(450, 4800), price: int(59, 99), currency: "EUR", tags: ["flagship"], discountPct: 90 }, context: { source: "competitor-feed (corrupt)" } };
        const a = await d.warden.ask(req);
        line(d, req, a.status, why(a.reasons));
      }),
    );
    const probe = pricing[i % pricing.length]!;
    const a = await sane(probe);
    if (a.reasons.some((r) => r.code === "circuit_open")) {
      console.log(`\n${time()} the breaker tripped: ${probe.agent.name}'s sane price change was denied circuit_open — ${why(a.reasons)}`);
      console.log("Every pricing agent is held until an operator resets the breaker (Containment, or POST /api/breakers/{id}/reset with a reason).");
      process.exit(0);
    }
    await sleep(300);
  }
  fail("The breaker did not trip within a minute: is pricing-deny-spike there and closed (Containment)?");
}
if (scenario === "breaker") await breakerScenario();

console.log(`Driving ${fleet.length} agents against ${url}${once ? ", one action each" : ` at ${rate}/s${duration < Infinity ? ` for ${duration} s` : " (Ctrl-C to stop)"}`}`);
if (pacer && !once) {
  console.log(`Escalations paced so one person can keep up: at most ${escalations} a minute, none while the queue holds ${DEFAULT_PACING.queueHigh} or more (--escalations N; --scenario flood for unpaced)`);
  const pollQueue = async () => {
    try {
      const { pending } = await admin<{ pending?: unknown }>("GET", "/api/approvals/count");
      if (typeof pending === "number") queued = pending;
    } catch {
      // Warden away: keep the last figure (traffic pauses anyway)
    }
  };
  await pollQueue(); // before the first action: a queue left full by an earlier run holds escalations back at once
  void (async () => {
    while (!stopping) {
      await sleep(5000);
      await pollQueue();
    }
  })();
}
const focus = scenario === "bad-release" ? await startBadRelease() : null;

if (once) {
  await Promise.all(fleet.map((d) => new Promise<void>((answered) => void act(d, answered))));
  await shutdown(total.errors === total.asked ? 1 : 0);
}

setInterval(() => {
  console.log(summary("last 10 s", recent));
  recent = zero();
}, 10_000).unref();

const endAt = startedAt + duration * 1000;
for (let next = Date.now(); !stopping && Date.now() < endAt; ) {
  if (downSince === null && !refreshing && inFlight < MAX_IN_FLIGHT && fleet.length) void act(focus && chance(0.85) ? focus : pick(fleet));
  next += 1000 / rate;
  const ahead = next - Date.now();
  if (ahead > 0) await sleep(ahead);
  else if (ahead < -1000) next = Date.now(); // after a stall, don't burst to catch up
}
await shutdown(0);
