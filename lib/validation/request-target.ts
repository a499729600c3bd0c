import { unsafeTextReason, validationError, type ValueProblem } from "./safe-json.ts";

function decode(part: string): { text: string } | { error: string } {
  try {
    const text = decodeURIComponent(part);
    const why = unsafeTextReason(text);
    return why ? { error: why } : { text };
  } catch {
    return { error: "is not valid %-encoding of UTF-8 text" };
  }
}

/** A name safe to show in a path: at most 64 characters, control characters as `?`. */
function shown(name: string): string {
  const s = name.replace(/[\u0000-\u001f\u007f]/g, "?");
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

/**
 * The first problem in a request target as received (`/api/audit?q=%00`), or null: a path
 * segment, query parameter name or value whose %-encoding is not valid UTF-8 (`%E0%A4`,
 * `%zz`), or that decodes to a NUL (`%00`) — text PostgreSQL refuses. `+` in the query is a
 * space (application/x-www-form-urlencoded). Paths: `(path)`, `query`, `query.<name>`.
 */
export function findUndecodableTarget(target: string): ValueProblem | null {
  const hash = target.indexOf("#");
  const bare = hash === -1 ? target : target.slice(0, hash);
  const q = bare.indexOf("?");
  const pathPart = q === -1 ? bare : bare.slice(0, q);
  for (const segment of pathPart.split("/")) {
    if (!segment.includes("%")) continue;
    const d = decode(segment);
    if ("error" in d) return { path: "(path)", message: `a path segment ${d.error}` };
  }
  if (q === -1) return null;
  for (const pair of bare.slice(q + 1).split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawName = (eq === -1 ? pair : pair.slice(0, eq)).replaceAll("+", " ");
    const name = decode(rawName);
    if ("error" in name) return { path: "query", message: `a parameter name ${name.error}` };
    if (eq === -1) continue;
    const value = decode(pair.slice(eq + 1).replaceAll("+", " "));
    if ("error" in value) return { path: `query.${shown(name.text)}`, message: value.error };
  }
  return null;
}

/**
 * Throws `400 validation_failed` when a request target can't be decoded into clean text
 * (see findUndecodableTarget). Both planes call it before routing.
 */
export function assertDecodableTarget(target: string): void {
  const problem = findUndecodableTarget(target);
  if (problem) throw validationError(problem);
}

/**
 * Throws `400 validation_failed` when a decoded route parameter or query value holds text
 * PostgreSQL refuses (a NUL, an unpaired surrogate); `where` names it (`params`, `query`).
 */
export function assertSafeFields(fields: Record<string, string>, where: string): void {
  for (const [name, value] of Object.entries(fields)) {
    const why = unsafeTextReason(name) ?? unsafeTextReason(value);
    if (why) throw validationError({ path: `${where}.${shown(name)}`, message: why });
  }
}
