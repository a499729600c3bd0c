import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { dataPlaneRoutes } from "../../lib/dataplane/index.ts";
import { ALL_ERROR_CODES, apiOperations, buildOpenApiDocument, openApiDocument, statusOfCode } from "../../lib/openapi/index.ts";
import { apiRouteFiles, compareOperations, documentedOperations, HTTP_METHODS, responseChecker, templateOf, UNDOCUMENTED_ROUTE_FILES } from "../support/openapi.ts";

const root = path.resolve(import.meta.dirname, "../..");
const doc = JSON.parse(JSON.stringify(openApiDocument())) as ReturnType<typeof openApiDocument>;

/** Every served operation: each app/api route file's exported methods, and the data-plane router's routes. */
async function servedOperations(): Promise<string[]> {
  const out: string[] = [];
  for (const file of apiRouteFiles(root)) {
    if (file in UNDOCUMENTED_ROUTE_FILES) continue;
    const mod = (await import(path.join(root, file))) as Record<string, unknown>;
    const methods = HTTP_METHODS.filter((m) => typeof mod[m] === "function");
    expect(methods.length, `${file} exports no HTTP method`).toBeGreaterThan(0);
    for (const m of methods) out.push(`${m} ${templateOf(file)}`);
  }
  for (const r of dataPlaneRoutes()) out.push(`${r.method} ${r.path}`);
  return out;
}

describe("the OpenAPI document covers every route", () => {
  it("has an entry for every method of every app/api route and data-plane route, and none for a route that does not exist", async () => {
    const served = await servedOperations();
    expect(served.length).toBeGreaterThan(70);
    const { undocumented, unserved } = compareOperations(served, documentedOperations(doc));
    expect(undocumented, "routes without an OpenAPI entry: add one in the owning lib area's openapi.ts").toEqual([]);
    expect(unserved, "OpenAPI entries naming no route").toEqual([]);
  });

  it("notices a route without its entry, and an entry without its route", () => {
    const documented = documentedOperations(doc);
    const served = [...documented.filter((o) => o !== "GET /api/cohorts"), "POST /api/no-such-route"];
    expect(compareOperations(served, documented)).toEqual({ undocumented: ["POST /api/no-such-route"], unserved: ["GET /api/cohorts"] });
  });

  it("maps Next.js folders to path templates", () => {
    expect(templateOf("app/api/agents/[id]/keys/[keyId]/route.ts")).toBe("/api/agents/{id}/keys/{keyId}");
    expect(templateOf("app/api/(group)/openapi.json/route.ts")).toBe("/api/openapi.json");
  });

  it("refuses two entries for the same method and path", () => {
    const op = apiOperations()[0]!;
    expect(() => buildOpenApiDocument({ title: "t", version: "1" }, [op, { ...op, operationId: "other" }])).toThrow(/registered twice/);
  });
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (the official schema, through @seriousme/openapi-schema-validator)", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("a broken document is refused by the same validator", async () => {
    const broken = JSON.parse(JSON.stringify(doc)) as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    broken.paths["/api/agents"]!.get!.parameters[0]!.in = "body"; // OpenAPI 2's body parameter, gone in 3.x
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("documents the error body with every code of lib/errors, each under the status lib/http answers it with", () => {
    const error = doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(error.properties.error.properties.code.enum.sort()).toEqual([...ALL_ERROR_CODES].sort());
    const post = doc.paths["/api/agents"]!.post as { responses: Record<string, { content: Record<string, { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } }> }> };
    expect(post.responses["409"]!.content["application/json"]!.schema.properties.error.properties.code.enum).toEqual(["agent_exists"]);
    expect(post.responses["400"]!.content["application/json"]!.schema.properties.error.properties.code.enum).toEqual(expect.arrayContaining(["validation_failed", "invalid_json"]));
    expect(post.responses["403"]!.content["application/json"]!.schema.properties.error.properties.code.enum).toEqual(expect.arrayContaining(["forbidden", "csrf"]));
    expect(statusOfCode("idempotency_conflict")).toBe(409);
  });

  it("names the auth of each plane: agent key on /v1, API token or session cookie on /api, none on public routes", () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["agentKey", "apiToken", "sessionCookie"]);
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item) as { security: unknown[] }[]) {
        if (p.startsWith("/v1/")) expect(op.security).toEqual([{ agentKey: [] }]);
        else if (["/api/health", "/api/openapi.json", "/api/login", "/api/keys/{purpose}"].includes(p)) expect(op.security).toEqual([]);
        else expect(op.security).toEqual([{ apiToken: [] }, { sessionCookie: [] }]);
      }
    }
  });

  it("takes request bodies from the routes' zod schemas", () => {
    const body = (doc.paths["/v1/actions"]!.post as { requestBody: { content: { "application/json": { schema: { properties: Record<string, { pattern?: string }>; required: string[]; additionalProperties: boolean } } } } }).requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["action"]);
    // The pattern actionNameSchema validates with (lib/validation ACTION_NAME: 1–128 of a-z 0-9 _ . : -).
    const pattern = body.properties.action!.pattern!;
    expect(pattern).toBe("^[a-z0-9_.:-][a-z0-9_.:-]{0,127}$");
    const re = new RegExp(pattern, "u");
    for (const ok of ["a", "pricing.set_price", "crm:contact-update", "x".repeat(128)]) expect(re.test(ok), ok).toBe(true);
    for (const bad of ["", "Pricing.set", "set price", "x".repeat(129)]) expect(re.test(bad), bad).toBe(false);
    expect(body.additionalProperties).toBe(false);
  });

  it("has examples that satisfy their own schemas", () => {
    const checker = responseChecker(doc);
    let checked = 0;
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item) as [string, { responses: Record<string, { content?: Record<string, { example?: unknown }> }> }][]) {
        for (const [status, r] of Object.entries(op.responses)) {
          for (const [type, c] of Object.entries(r.content ?? {})) {
            if (c.example === undefined) continue;
            checked++;
            expect(checker.check(m, p, Number(status), c.example, type), `${m} ${p} ${status} example`).toEqual([]);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
