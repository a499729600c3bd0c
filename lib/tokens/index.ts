/**
 * API tokens (`wdt_…`, 256-bit, stored as SHA-256): personal tokens admins create, and the
 * 12-hour login tokens of `POST /api/login`; revoked with their user.
 */
export {
  createApiToken,
  issueLoginToken,
  listApiTokens,
  revokeApiToken,
  authenticateApiToken,
  createTokenSchema,
  LOGIN_TOKEN_HOURS,
  type TokenView,
} from "./tokens.ts";
export { loginSchema } from "./login-schema.ts";
export { tokensApi } from "./openapi.ts";
