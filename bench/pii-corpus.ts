// `npm run pii:corpus`: how well the PII detectors do on the corpus (test/fixtures/pii-corpus.ts)
// and how long redaction takes. Prints, per kind, recall (positives redacted exactly: the whole
// value, nothing around it, as the right kind) and precision (redactions that were right, over
// all redactions made on positives and negatives), then the time per typical ~1 KB agent document
// (redactDocument with every detector on: median of 7 rounds, in µs per document and per KB).
// Needs no database. The unit test test/unit/pii-corpus.test.ts asserts 100 % / 100 % in CI.
//
//   --rounds N   timing rounds (default 7), each of ~0.3 s per document
import { DEFAULT_REDACTION_RULES, redactDocument, redactionMarker, REQUEST_WORK_BUDGET, ScanBudget, type Redaction } from "../lib/redaction/index.ts";
import { NEGATIVES, POSITIVES, SEQUENCES, type PiiKind } from "../test/fixtures/pii-corpus.ts";

const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 7;
if (!(ROUNDS >= 1 && ROUNDS <= 100)) {
  console.error("--rounds must be between 1 and 100");
  process.exit(64);
}

const key = new TextEncoder().encode("pii-corpus-bench-key");
const rules = DEFAULT_REDACTION_RULES;
const kinds: PiiKind[] = ["email", "phone", "card", "iban"];
const fill = (template: string, value: string) => template.split("{}").join(value);
const count = Object.fromEntries(kinds.map((k) => [k, { tp: 0, fn: 0, fp: 0 }])) as Record<PiiKind, { tp: number; fn: number; fp: number }>;
const misses: string[] = [];
const initialRegion = process.env.WARDEN_PHONE_REGION;

function redact(text: string, regions: string | undefined): { value: string; redactions: Redaction[] } {
  if (regions === undefined) {
    if (initialRegion === undefined) delete process.env.WARDEN_PHONE_REGION;
    else process.env.WARDEN_PHONE_REGION = initialRegion;
  } else process.env.WARDEN_PHONE_REGION = regions;
  const r = redactDocument("input", { s: text }, rules, key);
  return { value: (r.value as { s: string }).s, redactions: r.redactions };
}

for (const c of POSITIVES) {
  const r = redact(fill(c.template, c.value), c.regions);
  const right = r.value === fill(c.template, redactionMarker(c.kind, c.value, key)) && r.redactions.length === 1;
  if (right) count[c.kind].tp++;
  else {
    count[c.kind].fn++;
    misses.push(`  missed ${c.kind}: ${JSON.stringify(fill(c.template, c.value))} → ${JSON.stringify(r.value)}`);
    for (const x of r.redactions) if (x.kind !== "field") count[x.kind].fp++;
  }
}
// Several values in one string: each value counts as a positive, redacted when the whole
// string came out exactly as expected.
for (const c of SEQUENCES) {
  const text = c.parts.map((x) => (typeof x === "string" ? x : x[1])).join("");
  const values = c.parts.filter((x): x is [PiiKind, string] => typeof x !== "string");
  const r = redact(text, c.regions);
  // After redact(), which sets the case's regions: a national phone's marker is read in them.
  const want = c.parts.map((x) => (typeof x === "string" ? x : redactionMarker(x[0], x[1], key))).join("");
  if (r.value === want && r.redactions.length === values.length) for (const [k] of values) count[k].tp++;
  else {
    for (const [k] of values) count[k].fn++;
    misses.push(`  missed in sequence: ${JSON.stringify(text)} → ${JSON.stringify(r.value)}`);
  }
}
for (const c of NEGATIVES) {
  const r = redact(c.text, c.regions);
  for (const x of r.redactions) {
    if (x.kind !== "field") count[x.kind].fp++;
    misses.push(`  false ${x.kind}: ${JSON.stringify(c.text)} → ${JSON.stringify(r.value)}`);
  }
}
redact("", undefined);

const pct = (a: number, b: number) => (b === 0 ? "   n/a" : `${((100 * a) / b).toFixed(1).padStart(5)} %`);
console.log(`PII corpus: ${POSITIVES.length} positive strings, ${SEQUENCES.length} strings holding several values, ${NEGATIVES.length} negative strings\n`);
console.log("kind    positives  recall    precision");
for (const k of kinds) {
  const { tp, fn, fp } = count[k];
  console.log(`${k.padEnd(8)}${String(tp + fn).padStart(9)}  ${pct(tp, tp + fn)}   ${pct(tp, tp + fp)}`);
}
const all = kinds.reduce((a, k) => ({ tp: a.tp + count[k].tp, fn: a.fn + count[k].fn, fp: a.fp + count[k].fp }), { tp: 0, fn: 0, fp: 0 });
console.log(`${"all".padEnd(8)}${String(all.tp + all.fn).padStart(9)}  ${pct(all.tp, all.tp + all.fn)}   ${pct(all.tp, all.tp + all.fp)}`);
if (misses.length > 0) console.log(`\n${misses.join("\n")}`);

// Typical agent documents of about 1 KB (the same ones were timed on the detector before
// libphonenumber/ibantools/normalisation, see the commit that added this script).
const NBSP = "\u00a0";
const TYPICAL: { name: string; doc: Record<string, unknown> }[] = [
  {
    name: "order with PII (EN)",
    doc: {
      customer: { name: "Jane Doe", email: "jane.doe@example.com", phone: "+1 (415) 555-0132", tier: "gold" },
      order: {
        id: "ORD-2026-000123",
        placedAt: "2026-11-25T10:00:00Z",
        items: [
          { sku: "LUX-001-BLK-42", ean: "4006381333931", qty: 2, price: "1,299.00" },
          { sku: "LUX-002-WHT-38", ean: "5901234123457", qty: 1, price: "89.90" },
        ],
        total: 2687.9,
        currency: "USD",
      },
      payment: { card: "4111 1111 1111 1111", expiry: "12/27" },
      shipping: { carrier: "UPS", tracking: "1Z999AA10123456784", address: "1 Main St, San Francisco, CA 94105" },
      note: "Customer asked for delivery before 6pm; call on arrival. Gift wrap requested with message: Happy birthday! Ref 123e4567-e89b-12d3-a456-426614174000.",
      agentRun: { id: "run_01HZX3K9Q7", model: "v2.4.1", latencyMs: 812, score: 0.93 },
    },
  },
  {
    name: "order without PII",
    doc: {
      order: {
        id: "ORD-2026-000124",
        placedAt: "2026-11-25T10:05:12.345+01:00",
        items: [
          { sku: "LUX-003-RED-40", ean: "3017620422003", qty: 1, price: "€1 299,00" },
          { sku: "LUX-004-GRN-36", ean: "8711000530085", qty: 3, price: "€49,90" },
          { sku: "ACC-0099-STD", ean: "4007817327098", qty: 1, price: "€12,50" },
        ],
        total: 1461.2,
        currency: "EUR",
        discount: "12.5%",
      },
      shipping: { carrier: "Colissimo", tracking: "6A12345678901", eta: "2026-11-28", warehouse: "48.8566, 2.3522" },
      note: "Restock request for size 42 and 44, batch B-2026-11-000457, version 10.4.12, lot 2026/11/25-07. Please confirm availability before 18:00.",
      agentRun: { id: "run_01HZX3K9Q8", model: "v2.4.1", latencyMs: 640, score: 0.88, trace: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" },
    },
  },
  {
    name: "French message, NBSP and accents",
    doc: {
      client: { nom: "Élodie Lefèvre", courriel: "élodie.lefèvre@exemple.fr", téléphone: `06${NBSP}12${NBSP}34${NBSP}56${NBSP}78` },
      message: `Bonjour, j’ai commandé le 25${NBSP}novembre un sac (réf. LUX-001-BLK-42) à 1${NBSP}299,00${NBSP}€ mais il n’est pas arrivé. Pouvez-vous me rappeler au +33${NBSP}6${NBSP}12${NBSP}34${NBSP}56${NBSP}78 ou m’écrire${NBSP}? Mon IBAN pour le remboursement${NBSP}: FR14${NBSP}2004${NBSP}1010${NBSP}0505${NBSP}0001${NBSP}3M02${NBSP}606. Merci d’avance, bonne journée${NBSP}!`,
      commande: { numéro: "CMD-2026-004512", date: "25/11/2026", montant: `1${NBSP}299,00${NBSP}€`, statut: "en transit" },
      suivi: { transporteur: "La Poste", numéro: "6A12345678901", étape: "centre de tri de Wissous" },
    },
  },
];

console.log(`\nTime per typical document (redactDocument, all detectors on; median of ${ROUNDS} rounds)\n`);
console.log("document                           KB    µs/doc   µs/KB   redacted");
for (const { name, doc } of TYPICAL) {
  const kb = Buffer.byteLength(JSON.stringify(doc)) / 1024;
  const once = () => redactDocument("input", doc, rules, key);
  const found = once().redactions.map((r) => r.kind);
  for (let i = 0; i < 2000; i++) once();
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let n = 0;
    const started = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 300e6) {
      for (let i = 0; i < 200; i++) once();
      n += 200;
      elapsed = Number(process.hrtime.bigint() - started);
    }
    perRound.push(elapsed / n / 1000);
  }
  const us = perRound.sort((a, b) => a - b)[Math.floor(perRound.length / 2)] as number;
  console.log(`${name.padEnd(33)}${kb.toFixed(2).padStart(5)}  ${us.toFixed(1).padStart(8)}  ${(us / kb).toFixed(1).padStart(6)}   ${found.join(", ") || "nothing"}`);
}

// The most a single request can cost: a body at the 96 KiB limit of /v1/actions full of
// distinct values that each need a libphonenumber call, under the request's work budget
// (lib/redaction/budget.ts): redacted, or refused with pii_scan_too_costly once the budget is
// spent. bench/pii-hostile.ts goes further (hostile shapes, a halt while 8 are in flight).
const pad = (n: number, w: number) => String(n).padStart(w, "0");
const filled = (item: (i: number) => string) => {
  let s = "";
  for (let i = 0; s.length < 90 * 1024; i++) s += `${item(i)}, `;
  return s;
};
const WORST: [string, string][] = [
  ["90 KB of distinct French mobiles", filled((i) => `06 12 ${pad(Math.floor(i / 10000) % 100, 2)} ${pad(Math.floor(i / 100) % 100, 2)} ${pad(i % 100, 2)}`)],
  ["90 KB of distinct +44 numbers", filled((i) => `+44 20 ${pad(Math.floor(i / 10000) % 10000, 4)} ${pad(i % 10000, 4)}`)],
  ["90 KB of distinct 10-digit ids", filled((i) => String(1000000000 + i * 7919))],
  ["90 KB of prose", filled((i) => `word${i} lorem ipsum dolor`)],
];
console.log(`\nWorst case per request (one run; budget ${REQUEST_WORK_BUDGET} work units)\n`);
for (const [name, s] of WORST) {
  const budget = new ScanBudget();
  const started = process.hrtime.bigint();
  let outcome: string;
  try {
    outcome = `${redactDocument("input", { s }, rules, key, { budget }).redactions.length} redacted`;
  } catch (e) {
    outcome = `refused: ${(e as { code?: string }).code ?? String(e)}`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${name.padEnd(36)}${ms.toFixed(0).padStart(6)} ms ${String(budget.used).padStart(6)} units   ${outcome}`);
}
