/** Money as the approval screens show it: the input's ISO currency, else euros. */
export const money = (v: unknown, currency: unknown) =>
  typeof v === "number" ? new Intl.NumberFormat("en-GB", { style: "currency", currency: typeof currency === "string" && /^[A-Z]{3}$/.test(currency) ? currency : "EUR" }).format(v) : String(v);

const MONEY_FIELDS = /^(price|currentPrice|amount|unitCost|total|value|cost|refund)$/i;

/** A field's value, as money when it is an amount and the input names a currency. */
export function showValue(field: string, v: unknown, currency: unknown): string {
  if (typeof v === "number" && MONEY_FIELDS.test(field)) return money(v, currency);
  if (typeof v === "number") return v.toLocaleString("en-GB");
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** "12 min 5 s left" until an ISO time, as of `now`. */
export function left(expiresAt: string | null, now: number): string {
  if (!expiresAt) return "no expiry";
  const s = Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000));
  if (s === 0) return "expiring";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min left` : m ? `${m} min ${s % 60} s left` : `${s} s left`;
}

/** The numbers similar requests differ in, e.g. "price €41.00 to €58.00". */
export function spreadText(inputs: Record<string, unknown>[]): string {
  const first = inputs[0] ?? {};
  const parts: string[] = [];
  for (const k of Object.keys(first)) {
    const values = inputs.map((i) => i[k]);
    if (!values.every((v): v is number => typeof v === "number")) continue;
    const [min, max] = [Math.min(...values), Math.max(...values)];
    parts.push(min === max ? `${k} ${showValue(k, min, first.currency)}` : `${k} from ${showValue(k, min, first.currency)} to ${showValue(k, max, first.currency)}`);
  }
  return parts.join(" · ");
}

/** The value at `input.a.b` of an input. */
export function valueAtPath(input: Record<string, unknown>, path: string): unknown {
  let node: unknown = input;
  for (const k of path.split(".").slice(1)) node = node && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, unknown>)[k] : undefined;
  return node;
}

/** A copy of the input with `input.a.b` set. */
export function withPath(input: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split(".").slice(1);
  const copy: Record<string, unknown> = { ...input };
  let node = copy;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) node[k] = value;
    else {
      const next = { ...((node[k] as Record<string, unknown> | undefined) ?? {}) };
      node[k] = next;
      node = next;
    }
  });
  return copy;
}
