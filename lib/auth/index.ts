export { can, ROLES, roleFromDb, roleToDb, type Permission, type RoleName } from "./permissions.ts";
export { actorOf, type Principal } from "./principal.ts";
export { principalFromCookies, principalForUser, authSecret, SESSION_COOKIES, SESSION_MAX_AGE_SECONDS } from "./session.ts";
