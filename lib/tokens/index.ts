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
