/**
 * People and what they may do: roles `viewer < operator < approver < admin` mapped to
 * permission strings in one table (permissions.ts) with one `can(role, permission)` used by
 * routes, pages and the UI; the signed-in principal from the next-auth session cookie
 * (session.ts: JWT decoded with NEXTAUTH_SECRET, naming a live server-side session that
 * sign-out, a password change or disabling the user ends) or an API token (lib/tokens).
 */
export { can, PERMISSIONS, ROLES, roleFromDb, roleToDb, type Permission, type RoleName } from "./permissions.ts";
export { actorOf, type Principal } from "./principal.ts";
export { roleNote, rolesWith } from "./role-note.ts";
export {
  principalFromCookies,
  principalForUser,
  authSecret,
  startSession,
  sessionClaims,
  sessionCookieValue,
  SESSION_COOKIES,
  SESSION_MAX_AGE_SECONDS,
} from "./session.ts";
export { authApi, meAnswerSchema } from "./openapi.ts";
