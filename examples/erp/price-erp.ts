// A small "ERP" that applies price changes only with a valid Warden decision receipt (README
// "Verify a receipt"). Nothing here needs Warden's code or database: only the SDK's offline
// verifier (or any Ed25519 + RFC 8785 library) and Warden's published receipt keys.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { inputHash, verifyReceipt, type ReceiptKeys } from "../../sdk/src/index.ts";

/** What the ERP is asked to apply: exactly the `input` the agent sent Warden. */
export type PriceChange = { sku: string; price: number; currency: string; currentPrice: number; tags: string[] };

export type PriceErpOptions = {
  /** Warden's receipt keys (`GET /api/keys/receipts`), fetched once or pinned in configuration. */
  keys: ReceiptKeys;
  /**
   * Fetches the keys again when a receipt names a key id the ERP doesn't know (Warden rotated
   * its key): once per unknown key id. Without it, such receipts are refused (`unknown_key`).
   */
  refreshKeys?: () => Promise<ReceiptKeys>;
  /** A receipt older than this (its `payload.time`) is refused. Default 5 minutes. */
  maxAgeMs?: number;
  /** The clock, in ms since the epoch (tests move it). Default `Date.now`. */
  now?: () => number;
};

export type PriceErp = {
  /**
   * Why `change` must be refused with `receipt`, or null when it may be applied (the receipt is
   * then spent: a receipt applies one change, once). Refused: no receipt; one that doesn't
   * verify with Warden's keys (the SDK's reason); a decision other than allow; another action,
   * SKU or input than this change (the input hash); older than `maxAgeMs`; already used.
   */
  check(change: unknown, receipt: unknown): Promise<string | null>;
  /** The prices applied, by SKU. */
  prices: ReadonlyMap<string, number>;
  /**
   * `POST /prices` with `{"change": PriceChange, "receipt": …}` → 200 `{applied: true, sku, price}`,
   * 403 `{error: {code: "receipt_refused", message}}`, 400 `{error: {code: "invalid_request"}}`
   * for a body that isn't such a change; 404 elsewhere.
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isPriceChange(v: unknown): v is PriceChange {
  return (
    isObject(v) &&
    typeof v.sku === "string" &&
    /^[A-Z0-9-]{1,40}$/.test(v.sku) &&
    typeof v.price === "number" &&
    Number.isFinite(v.price) &&
    v.price > 0 &&
    typeof v.currency === "string" &&
    typeof v.currentPrice === "number" &&
    Array.isArray(v.tags) &&
    v.tags.every((t) => typeof t === "string")
  );
}

/** The ERP's logic and its HTTP handler (see `startPriceErp` for a server on a local port). */
export function priceErp(options: PriceErpOptions): PriceErp {
  let keys = options.keys;
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const used = new Set<string>(); // action ids whose receipt was spent
  const refreshedFor = new Set<string>(); // key ids the keys were fetched again for
  const prices = new Map<string, number>();

  async function check(change: unknown, receipt: unknown): Promise<string | null> {
    if (!isPriceChange(change)) return "not a price change";
    if (receipt === undefined || receipt === null) return "no receipt: Warden's decision is required for price changes";
    let verdict = await verifyReceipt(receipt, keys);
    const kid = isObject(receipt) && typeof receipt.kid === "string" ? receipt.kid : "";
    if (!verdict.ok && verdict.reason === "unknown_key" && options.refreshKeys && !refreshedFor.has(kid)) {
      refreshedFor.add(kid);
      keys = await options.refreshKeys();
      verdict = await verifyReceipt(receipt, keys);
    }
    if (!verdict.ok) return `invalid receipt (${verdict.reason}): ${verdict.message}`;
    const p = verdict.payload;
    if (p.decision !== "allow") return `Warden's decision was ${p.decision} (${p.status})`;
    if (p.action !== "pricing.set_price" || p.resource !== `sku:${change.sku}`) return `the receipt is about ${p.action} on ${p.resource || "no resource"}, not pricing.set_price on sku:${change.sku}`;
    // Approved with changes (a lower price): the change to apply is the approved one.
    if ((p.approvedInputHash ?? p.inputHash) !== (await inputHash(change))) return "the receipt was issued for another change than this one";
    const age = now() - Date.parse(p.time);
    if (!(age <= maxAgeMs)) return `the receipt is from ${p.time}: older than ${maxAgeMs / 1000} s`;
    // No await between this check and the mark: two requests with one receipt can't both pass.
    if (used.has(p.actionId)) return `the receipt of ${p.actionId} was already used`;
    used.add(p.actionId);
    return null;
  }

  function reply(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== "POST" || req.url !== "/prices") return reply(res, 404, { error: { code: "not_found", message: "POST /prices only" } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on("end", () => {
      void (async () => {
        let body: unknown;
        try {
          body = size > 64 * 1024 ? undefined : (JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown);
        } catch {
          body = undefined;
        }
        if (!isObject(body) || !isPriceChange(body.change)) {
          return reply(res, 400, { error: { code: "invalid_request", message: 'expected {"change": {sku, price, currency, currentPrice, tags}, "receipt": {…}}' } });
        }
        try {
          const refusal = await check(body.change, body.receipt);
          if (refusal) return reply(res, 403, { error: { code: "receipt_refused", message: refusal } });
          prices.set(body.change.sku, body.change.price);
          reply(res, 200, { applied: true, sku: body.change.sku, price: body.change.price });
        } catch (err) {
          // Fail closed: a check that can't complete (keys unreachable, no WebCrypto) applies nothing.
          reply(res, 503, { error: { code: "unavailable", message: `the receipt can't be checked: ${(err as Error).message}` } });
        }
      })();
    });
  }

  return { check, prices, handle };
}

/** `priceErp` served on a free loopback port. */
export async function startPriceErp(options: PriceErpOptions): Promise<PriceErp & { url: string; close: () => Promise<void> }> {
  const erp = priceErp(options);
  const server = http.createServer((req, res) => erp.handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { ...erp, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}
