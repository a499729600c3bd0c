import { ROLES, can } from "../auth/index.ts";
import { errorBodySchema, errorCodesByStatus, errorCodesOf, ALL_ERROR_CODES } from "./errors.ts";
import { toJsonSchema, type JsonSchema } from "./json-schema.ts";
import type { ApiContent, ApiInfo, ApiOperation, ApiResponse } from "./types.ts";

/** An OpenAPI 3.1 document as plain JSON. */
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: ApiInfo;
  servers: { url: string; description: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request: the input breaks a rule (validation_failed names the path)",
  401: "No, unknown, expired or revoked credentials",
  403: "Authenticated, but not allowed",
  404: "Not found",
  405: "Method not allowed on this path",
  409: "Conflicts with the current state",
  413: "Body too large",
  415: "Unsupported media type",
  429: "Rate limited (Retry-After says when to try again)",
  500: "Unexpected failure on Warden's side (logged; no detail leaks)",
  503: "The database is unavailable; retry after Retry-After seconds",
};

export const SECURITY_SCHEMES = {
  agentKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "wdn_…",
    description: "The data plane (/v1): `Authorization: Bearer <agent key>`; the key is shown once when the agent is registered or a key rotated.",
  },
  apiToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "wdt_…",
    description: "The control plane (/api): a personal API token (POST /api/tokens) or a short-lived login token (POST /api/login), acting with its user's role.",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description:
      "The dashboard's session cookie (`__Secure-next-auth.session-token` over HTTPS). Requests that change state with it must be same-origin (Origin or Sec-Fetch-Site), else 403 `csrf`.",
  },
} as const;

const SECURITY = {
  agent: [{ agentKey: [] }],
  user: [{ apiToken: [] }, { sessionCookie: [] }],
  none: [],
} as const;

/**
 * `$defs` zod emits (recursive or shared parts) move to components.schemas, and their refs
 * (`#/$defs/X`, `#` for the root itself) are rewritten: inside an OpenAPI document a `#`
 * pointer is resolved against the document, not the embedded schema.
 */
function hoist(schema: JsonSchema, into: Record<string, JsonSchema>, prefix: string): JsonSchema {
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  delete schema.$defs;
  const rename = (name: string) => `${prefix}_${name}`.replace(/[^A-Za-z0-9._-]/g, "_");
  let selfRef = false;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== "object") return v;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && x === "#") {
        selfRef = true;
        o[k] = `#/components/schemas/${rename("root")}`;
      } else if (k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/")) o[k] = `#/components/schemas/${rename(x.slice(8))}`;
      else o[k] = rewrite(x);
    }
    return o;
  };
  for (const [name, def] of Object.entries(defs)) into[rename(name)] = rewrite(def) as JsonSchema;
  const out = rewrite(schema) as JsonSchema;
  if (selfRef) into[rename("root")] = out;
  return out;
}

function content(entries: Record<string, ApiContent>, io: "input" | "output", into: Record<string, JsonSchema>, prefix: string) {
  const out: Record<string, unknown> = {};
  for (const [type, c] of Object.entries(entries)) {
    out[type] = {
      schema: c.schema ? hoist(toJsonSchema(c.schema, io), into, `${prefix}_${io}`) : {},
      ...(c.example !== undefined ? { example: c.example } : {}),
    };
  }
  return out;
}

function responseObject(r: ApiResponse, into: Record<string, JsonSchema>, prefix: string) {
  const entries = r.content ?? (r.schema || r.example !== undefined ? { "application/json": { schema: r.schema, example: r.example } } : undefined);
  return {
    description: r.description,
    ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: "string" } }])) } : {}),
    ...(entries ? { content: content(entries, "output", into, prefix) } : {}),
  };
}

function parameters(op: ApiOperation): unknown[] {
  const out: unknown[] = [];
  for (const m of op.path.matchAll(/\{([^}]+)\}/g)) {
    const name = m[1]!;
    out.push({ name, in: "path", required: true, schema: { type: "string" }, ...(op.params?.[name] ? { description: op.params[name] } : {}) });
  }
  if (op.query) {
    const s = toJsonSchema(op.query, "input");
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(props)) {
      const { description, ...rest } = schema;
      out.push({ name, in: "query", required: required.has(name), schema: rest, ...(typeof description === "string" ? { description } : {}) });
    }
  }
  return out;
}

function describe(op: ApiOperation): string | undefined {
  const parts = [op.description];
  if (op.auth === "user" && op.permission) {
    const roles = ROLES.filter((r) => can(r, op.permission!));
    parts.push(`Requires permission \`${op.permission}\` (roles: ${roles.join(", ")}).`);
  }
  if (op.auth === "none") parts.push("No authentication.");
  const text = parts.filter(Boolean).join("\n\n");
  return text || undefined;
}

function operationObject(op: ApiOperation, schemas: Record<string, JsonSchema>) {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) responses[status] = responseObject(r, schemas, `${op.operationId}_${status}`);
  for (const [status, codes] of errorCodesByStatus(errorCodesOf(op))) {
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? "Error"} — codes: ${codes.join(", ")}`,
      ...(status === 429 || status === 503 ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "string" } } } } : {}),
      content: { "application/json": { schema: toJsonSchema(errorBodySchema(codes), "output"), example: { error: { code: codes[0], message: STATUS_TEXT[status] ?? "Error" } } } },
    };
  }
  const bodyEntries = op.bodyContent ?? (op.body ? { "application/json": { schema: op.body, example: op.bodyExample } } : undefined);
  const params = parameters(op);
  const description = describe(op);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(description ? { description } : {}),
    tags: [op.tag],
    security: SECURITY[op.auth],
    ...(op.permission ? { "x-warden-permission": op.permission } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(bodyEntries ? { requestBody: { required: true, content: content(bodyEntries, "input", schemas, `${op.operationId}_body`) } } : {}),
    responses,
  };
}

/**
 * Assembles the OpenAPI 3.1 document from operation entries (see `ApiOperation`): paths,
 * parameters (path templates + the query schema's properties), request and response bodies
 * as JSON Schema 2020-12 from the routes' own zod schemas, the error answers of each
 * operation grouped by status (codes from lib/errors, statuses from lib/http), security
 * schemes, examples. Pure: the same entries give the same document.
 *
 * @throws Error when two entries share a method and path, or an operationId (a registry bug).
 */
export function buildOpenApiDocument(info: ApiInfo, operations: readonly ApiOperation[]): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const schemas: Record<string, JsonSchema> = { Error: toJsonSchema(errorBodySchema(ALL_ERROR_CODES), "output") };
  const ids = new Set<string>();
  const sorted = [...operations].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const op of sorted) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is registered twice`);
    if (ids.has(op.operationId)) throw new Error(`OpenAPI: operationId ${op.operationId} is used twice`);
    ids.add(op.operationId);
    item[op.method] = operationObject(op, schemas);
  }
  const tags = [...new Set(sorted.map((o) => o.tag))].sort().map((name) => ({ name }));
  return {
    // No jsonSchemaDialect: the default (OAS 3.1 base dialect = JSON Schema 2020-12 plus
    // OpenAPI's keywords) covers what z.toJSONSchema emits, and renderers support only it.
    openapi: "3.1.0",
    info,
    servers: [{ url: "/", description: "This Warden (data plane /v1 and control plane /api on one origin)" }],
    tags,
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas },
  };
}
