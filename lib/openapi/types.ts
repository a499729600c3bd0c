import type { z } from "zod";
import type { Permission } from "../auth/index.ts";
import type { ErrorCode } from "../errors/index.ts";

/** Who may call an operation: an agent key (`/v1`), a user (API token or session), or anyone. */
export type ApiAuth = "agent" | "user" | "none";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** One body (request or response) in one media type. */
export type ApiContent = {
  /** The zod schema the route parses with (request) or answers with (response); absent: any. */
  schema?: z.ZodType;
  /** A realistic example, shown by the reference page. */
  example?: unknown;
};

/** One documented answer of an operation. */
export type ApiResponse = {
  description: string;
  /** Shorthand for `{"application/json": {schema, example}}`. */
  schema?: z.ZodType;
  example?: unknown;
  /** Other media types (CSV export, NDJSON…); replaces the JSON shorthand when given. */
  content?: Record<string, ApiContent>;
  /** Response headers worth naming (ETag, Retry-After…): name → description. */
  headers?: Record<string, string>;
};

/**
 * One route as the OpenAPI document shows it — the small entry each route gets in its lib
 * area's `openapi.ts` (e.g. lib/agents/openapi.ts), next to the zod schemas the route uses.
 *
 * `query` and `body` MUST be the very schema objects the route passes to `route({query, body})`
 * (or the data-plane router parses with): the document is generated from them, never copied.
 */
export type ApiOperation = {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/agents/{id}` (Next's `[id]` folder is `{id}`). */
  path: string;
  /** Stable operationId (camelCase), unique across the document. */
  operationId: string;
  summary: string;
  description?: string;
  /** Reference-page group, e.g. "Agents". */
  tag: string;
  auth: ApiAuth;
  /** For `auth: "user"`: the permission the route checks (`route({permission})`). */
  permission?: Permission;
  /** Descriptions of path parameters by name (every `{name}` is a required string anyway). */
  params?: Record<string, string>;
  /** The route's query schema (a zod object); each property becomes a query parameter. */
  query?: z.ZodType;
  /** The route's JSON body schema. */
  body?: z.ZodType;
  bodyExample?: unknown;
  /** Request bodies in other media types (replaces `body` when given). */
  bodyContent?: Record<string, ApiContent>;
  /** Successful answers by status. */
  responses: Record<number, ApiResponse>;
  /**
   * Error codes this operation answers besides the standard ones every operation of its kind
   * gets (401/403 by auth, 400/413/415 for bodies, 404 with path parameters, 500, 503).
   */
  errors?: ErrorCode[];
};

/** The document's top-level information. */
export type ApiInfo = { title: string; version: string; description?: string };
