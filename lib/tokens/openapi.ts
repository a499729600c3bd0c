import { z } from "zod";
import { ROLES } from "../auth/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { loginSchema } from "./login-schema.ts";
import { createTokenSchema } from "./tokens.ts";

/** `TokenView` (tokens.ts) as a schema: a token's metadata (never the secret). */
export const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["personal", "login"]),
  prefix: z.string(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

const secret = z.string().describe("The token (wdt_…), shown this once; only its hash is stored");
/** `POST /api/tokens` (201): the token with its metadata. */
export const createdTokenAnswerSchema = z.object({ token: secret, ...tokenViewSchema.shape });
/** `POST /api/login` */
export const loginAnswerSchema = z.object({ token: secret, expiresAt: z.iso.datetime().nullable(), role: z.enum(ROLES) });

const view = { id: "tok_01", name: "ci", kind: "personal", prefix: "wdt_7Hq1", expiresAt: null, lastUsedAt: null, revokedAt: null, createdAt: "2026-11-20T10:00:00.000Z" };

/** API tokens and the command-line login. */
export const tokensApi: ApiOperation[] = [
  {
    method: "post",
    path: "/api/login",
    operationId: "login",
    tag: "Users and tokens",
    auth: "none",
    summary: "A short-lived (≤ 12 h) API token for command-line tools and scripts",
    description: "Wrong credentials answer 401; repeated failures are throttled like the dashboard's sign-in (429 with Retry-After). Audited.",
    body: loginSchema,
    bodyExample: { email: "ana@maison.example", password: "correct horse battery staple" },
    responses: { 200: { description: "The token", schema: loginAnswerSchema, example: { token: "wdt_…", expiresAt: "2026-11-29T23:00:00.000Z", role: "operator" } } },
    errors: ["unauthorized", "rate_limited", "password_change_required"],
  },
  {
    method: "get",
    path: "/api/tokens",
    operationId: "listTokens",
    tag: "Users and tokens",
    auth: "user",
    permission: "read",
    summary: "The caller's own API tokens",
    responses: { 200: { description: "The tokens", schema: z.object({ tokens: z.array(tokenViewSchema) }), example: { tokens: [view] } } },
  },
  {
    method: "post",
    path: "/api/tokens",
    operationId: "createToken",
    tag: "Users and tokens",
    auth: "user",
    permission: "tokens:write",
    summary: "A personal API token (shown once)",
    body: createTokenSchema,
    bodyExample: { name: "ci", expiresInDays: 90 },
    responses: { 201: { description: "Created", schema: createdTokenAnswerSchema, example: { token: "wdt_…", ...view } } },
  },
  {
    method: "delete",
    path: "/api/tokens/{id}",
    operationId: "revokeToken",
    tag: "Users and tokens",
    auth: "user",
    permission: "read",
    summary: "Revoke one of your tokens (admins: anyone's)",
    responses: { 200: { description: "The revoked token", schema: z.object({ token: tokenViewSchema }), example: { token: { ...view, revokedAt: "2026-11-21T09:00:00.000Z" } } } },
  },
];
