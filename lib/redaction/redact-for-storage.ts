import { findMarkers, phoneMarkers, redactionMarker } from "./marker.ts";
import { redactDocument, redactText, type Redaction } from "./redact.ts";
import type { RedactionRules } from "./rules.ts";
import { redactionKey } from "./key.ts";
import { ScanBudget } from "./budget.ts";
import { redactionSettings } from "./rules-cache.ts";

/**
 * What Warden stores of an agent's request and result: PII replaced by typed markers with a
 * keyed hash (see lib/redaction). Policies evaluate the raw values first; only this leaves the
 * process. One instance per write, bound to the rules of that moment.
 */
export type StorageRedactor = {
  document(root: "input" | "context" | "output", value: unknown): unknown;
  text(value: string): string;
  /** The resource string gets the detectors only (field rules name input/context/output paths). */
  resource(value: string): string;
  /**
   * Any other text derived from the request (an idempotency key, a policy's error message
   * that quotes a value): the detectors only, reported under `path`.
   */
  detect(value: string, path: string): string;
  /** What was redacted so far, as kind and path, never the value. */
  readonly redactions: Redaction[];
  /** The markers written so far (unique), for the actions.pii_markers index. */
  readonly markers: string[];
  /** The detection work this write may still do, shared by all of the above (see budget.ts). */
  readonly budget: ScanBudget;
};

/**
 * A redactor for one write (one request) under the current rules. Every method throws
 * WardenError `pii_scan_too_costly` (413) once the write's detection work passes its budget
 * (budget.ts): run them inside redactionTurn (turn.ts) so other requests aren't kept waiting.
 */
export async function storageRedactor(): Promise<StorageRedactor> {
  const { rules } = await redactionSettings();
  return redactorFor(rules, redactionKey());
}

export function redactorFor(rules: RedactionRules, key: Uint8Array, budget: ScanBudget = new ScanBudget()): StorageRedactor {
  const redactions: Redaction[] = [];
  const opts = { budget };
  const markers: string[] = [];
  const detectorsOnly: RedactionRules = { ...rules, fields: [] };
  const noteMarkers = (stored: unknown) => {
    for (const m of findMarkers(typeof stored === "string" ? stored : JSON.stringify(stored))) {
      const marker = `[redacted:${m.kind}:${m.hash}]`;
      if (!markers.includes(marker)) markers.push(marker);
    }
  };
  return {
    redactions,
    markers,
    budget,
    document(root, value) {
      const r = redactDocument(root, value, rules, key, opts);
      if (r.redactions.length) {
        redactions.push(...r.redactions);
        noteMarkers(r.value);
      }
      return r.value;
    },
    text(value) {
      const r = redactText("error", value, rules, key, opts);
      if (r.redactions.length) {
        redactions.push(...r.redactions);
        noteMarkers(r.value);
      }
      return r.value;
    },
    resource(value) {
      return this.detect(value, "resource");
    },
    detect(value, path) {
      const r = redactDocument("context", value, detectorsOnly, key, opts);
      if (r.redactions.length) {
        for (const x of r.redactions) redactions.push({ kind: x.kind, path });
        noteMarkers(r.value);
      }
      return r.value as string;
    },
  };
}

/**
 * The markers a raw value would have been stored as, under every kind it could be: lets an
 * operator find actions by an e-mail, phone, card, IBAN or a redacted field's value without
 * Warden ever storing it. A phone in any format (`+33 6 12 34 56 78`, `06 12 34 56 78`) gives
 * its E.164 marker and the legacy ones (marker.ts phoneMarkers), so data stored before phone
 * canonicalisation is still found.
 */
export function markersFor(raw: string): string[] {
  const key = redactionKey();
  const value = raw.trim();
  const kinds = ["email", "card", "iban"] as const;
  const markers = new Set<string>();
  for (const kind of kinds) markers.add(redactionMarker(kind, value, key));
  // Phones: the E.164 marker and the ones stored before phones were canonicalised.
  for (const m of phoneMarkers(value, key)) markers.add(m);
  markers.add(redactionMarker("field", value, key));
  const n = Number(value);
  if (value !== "" && Number.isFinite(n)) markers.add(redactionMarker("field", n, key));
  return [...markers];
}

/** What would be stored for a sample under draft rules (the settings page's preview). */
export function previewRedaction(
  rules: RedactionRules,
  sample: { input?: Record<string, unknown>; context?: Record<string, unknown>; output?: unknown; error?: string },
): { input: unknown; context: unknown; output: unknown; error: string | null; redactions: Redaction[] } {
  const r = redactorFor(rules, redactionKey());
  return {
    input: r.document("input", sample.input ?? {}),
    context: r.document("context", sample.context ?? {}),
    output: sample.output === undefined ? null : r.document("output", sample.output),
    error: sample.error === undefined ? null : r.text(sample.error),
    redactions: r.redactions,
  };
}
