/**
 * Warden's HTTP contract as an OpenAPI 3.1 document, generated from the zod schemas the
 * routes validate with (zod 4's `z.toJSONSchema`, JSON Schema 2020-12 = OpenAPI 3.1's
 * dialect), never a hand-written copy.
 *
 * How a route gets its entry: the lib area that owns its schemas keeps an `openapi.ts`
 * exporting `<area>Api: ApiOperation[]` (e.g. lib/agents/openapi.ts; the data plane's in
 * lib/dataplane/openapi.ts), re-exported from the area's index.ts; catalog.ts lists each
 * area once. `ApiOperation` names the method, path template, auth, permission, the route's
 * own query/body schemas, response schemas (next to the area's presenter) with examples, and
 * the error codes the route adds to the standard ones. test/unit/openapi-coverage.test.ts
 * fails when a route has no entry or an entry no route.
 *
 * - `openApiDocument()` — the document (built once per process).
 * - `buildOpenApiDocument(info, operations)` — the pure assembler.
 * - `apiOperations()` — every entry.
 * - `errorBodySchema(codes)`, `errorCodesOf(op)`, `statusOfCode(code)` — the error answers.
 * - `toJsonSchema(zod, io)` — one schema as JSON Schema 2020-12.
 */
export type { ApiAuth, ApiContent, ApiInfo, ApiOperation, ApiResponse, HttpMethod } from "./types.ts";
export { buildOpenApiDocument, SECURITY_SCHEMES, type OpenApiDocument } from "./build-document.ts";
export { apiOperations, openApiDocument } from "./catalog.ts";
export { errorBodySchema, errorCodesOf, errorCodesByStatus, statusOfCode, ALL_ERROR_CODES } from "./errors.ts";
export { toJsonSchema, type JsonSchema } from "./json-schema.ts";
export { healthAnswerSchema } from "./platform.ts";
