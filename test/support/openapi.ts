import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { OpenApiDocument } from "../../lib/openapi/index.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * Route files that are not part of the documented API, and why. Anything else under
 * app/api must have an entry for each method it exports.
 */
export const UNDOCUMENTED_ROUTE_FILES: Record<string, string> = {
  "app/api/[[...slug]]/route.ts": "the JSON 404 for every /api path no route serves",
  "app/api/auth/[...nextauth]/route.ts": "next-auth's browser sign-in flow (the dashboard's, not a client API)",
};

/** Every `app/api/**\/route.ts` under `root`, relative, sorted. */
export function apiRouteFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name === "route.ts") out.push(rel.split(path.sep).join("/"));
    }
  };
  walk("app/api");
  return out.sort();
}

/** `app/api/agents/[id]/keys/route.ts` → `/api/agents/{id}/keys` (route groups `(x)` dropped). */
export function templateOf(file: string): string {
  const segs = file.replace(/^app/, "").replace(/\/route\.ts$/, "").split("/").filter((s) => s !== "" && !/^\(.*\)$/.test(s));
  return "/" + segs.map((s) => s.replace(/^\[(?:\.\.\.)?([^\]]+)\]$/, "{$1}")).join("/");
}

/** Each documented operation as "METHOD /path". */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
}

/** What one side has and the other lacks. */
export function compareOperations(served: string[], documented: string[]): { undocumented: string[]; unserved: string[] } {
  const d = new Set(documented);
  const s = new Set(served);
  return { undocumented: served.filter((x) => !d.has(x)).sort(), unserved: documented.filter((x) => !s.has(x)).sort() };
}

/** The source of a route file, for tests that read it. */
export const readRoute = (root: string, file: string) => readFileSync(path.join(root, file), "utf8");

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/**
 * Checks answers against the document's response schemas with ajv's JSON Schema 2020-12
 * validator (the document's own dialect), `$ref`s resolved within the document.
 */
export function responseChecker(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(JSON.stringify(doc)) as object, "openapi.json");
  return {
    /**
     * Errors (empty when valid) of `body` as the answer `status` of `method path` (a path
     * template from the document), with `contentType` (default JSON).
     */
    check(method: string, template: string, status: number, body: unknown, contentType = "application/json"): string[] {
      const op = doc.paths[template]?.[method.toLowerCase()] as { responses?: Record<string, { content?: Record<string, unknown> }> } | undefined;
      if (!op) return [`${method} ${template} is not in the document`];
      const response = op.responses?.[String(status)];
      if (!response) return [`${method} ${template} documents no ${status} answer`];
      if (!response.content?.[contentType]) return [`${method} ${template} ${status} documents no ${contentType} body`];
      const ref = `openapi.json#/${pointer("paths", template, method.toLowerCase(), "responses", String(status), "content", contentType, "schema")}`;
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    },
  };
}
