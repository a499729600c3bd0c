// A business system that refuses a change without a valid Warden receipt (README "Verify a receipt").
//
//   WARDEN_URL=http://localhost:3000 WARDEN_AGENT_KEY=wdn_… npx tsx examples/erp-check.ts
//
// Starts the small "ERP" of examples/erp/price-erp.ts on a free local port — its `POST /prices`
// applies a price change only when the request carries a receipt that verifies offline with
// Warden's published keys (fetched once at start, again when a new key id appears), says allow,
// is about this very change (action, SKU, hash of the input), is fresh and unused. Then plays a
// pricing agent (the SDK's guard) that asks Warden and sends the change with its receipt, and
// four attempts the ERP must refuse. Exit 0 when the ERP applied exactly the first one; 1
// otherwise (e.g. Warden didn't allow the change: the demo estate's price floors apply to the
// cohort "pricing"); 2 when Warden can't be reached.
import { ActionDenied, fetchReceiptKeys, Warden, type Receipt } from "../sdk/src/index.ts";
import { startPriceErp, type PriceChange } from "./erp/price-erp.ts";

const WARDEN_URL = process.env.WARDEN_URL ?? "http://localhost:3000";
const AGENT_KEY = process.env.WARDEN_AGENT_KEY;
if (!AGENT_KEY) {
  console.error('Set WARDEN_AGENT_KEY to an agent key (wdn_…): see README "Verify a receipt".');
  process.exit(2);
}

type Sent = { status: number; body: unknown };
async function sendToErp(erp: string, change: PriceChange, receipt: unknown): Promise<Sent> {
  const res = await fetch(`${erp}/prices`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ change, receipt }) });
  return { status: res.status, body: await res.json() };
}

let keys;
try {
  keys = await fetchReceiptKeys(WARDEN_URL, { signal: AbortSignal.timeout(10_000) }); // or pinned in the ERP's configuration
} catch (err) {
  console.error(`Warden's receipt keys can't be fetched from ${WARDEN_URL}/api/keys/receipts: ${(err as Error).message}`);
  process.exit(2);
}
const erp = await startPriceErp({ keys, refreshKeys: () => fetchReceiptKeys(WARDEN_URL) });
const warden = new Warden({ url: WARDEN_URL, apiKey: AGENT_KEY });
// A 4 % cut on LUX-0042, above the demo estate's approved floor for it (414 EUR).
const change: PriceChange = { sku: "LUX-0042", price: 440, currency: "EUR", currentPrice: 460, tags: ["core"] };

const results: { label: string; expected: number; got: Sent }[] = [];
const show = (label: string, expected: number, got: Sent) => {
  results.push({ label, expected, got });
  console.log(`${label.padEnd(44)} → ${got.status} ${JSON.stringify(got.body)}`);
};

try {
  let receipt: Receipt | undefined;
  // The agent asks Warden and, only when allowed, sends the change to the ERP with the receipt.
  const { value } = await warden.guard({ action: "pricing.set_price", resource: `sku:${change.sku}`, input: change }, async (input, answer) => {
    receipt = answer.receipt;
    // `input` is the change to apply: the one asked, or the one an approver changed it to.
    return sendToErp(erp.url, input as typeof change, answer.receipt);
  });
  if (!receipt) throw new Error("Warden's answer carried no receipt (WARDEN_RECEIPTS=off?)");
  console.log(`Warden: allow (${receipt.payload.status}) for ${receipt.payload.actionId}, receipt signed by key ${receipt.kid}`);
  show("1. the change with its receipt", 200, value);
  show("2. the same change without a receipt", 403, await sendToErp(erp.url, change, undefined));
  show("3. another price under the same receipt", 403, await sendToErp(erp.url, { ...change, price: 99 }, receipt));
  show("4. the same receipt a second time", 403, await sendToErp(erp.url, change, receipt));
  const forged = { ...receipt, payload: { ...receipt.payload, resource: "sku:LUX-0099" } };
  show("5. a receipt edited to name another SKU", 403, await sendToErp(erp.url, { ...change, sku: "LUX-0099" }, forged));
} catch (err) {
  if (err instanceof ActionDenied) console.error(`Warden did not allow the change: ${err.reasons.map((r) => r.message).join("; ")}`);
  else console.error(`the example failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await erp.close();
}
const wrong = results.filter((r) => r.got.status !== r.expected);
if (results.length && wrong.length) {
  console.error(`unexpected: ${wrong.map((r) => `${r.label} answered ${r.got.status}, expected ${r.expected}`).join("; ")}`);
  process.exitCode = 1;
}
if (results.length && !wrong.length) console.log(`The ERP applied ${[...erp.prices].map(([sku, p]) => `${sku} = ${p}`).join(", ")} and refused the rest.`);
