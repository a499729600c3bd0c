/**
 * Users: creation, role changes (the last active admin can't be demoted), sign-in with
 * argon2id passwords (rate-limited, audited) or OIDC, and the first admin at start.
 */
export { createUser } from "./create-user.ts";
export { updateUser } from "./update-user.ts";
export { listUsers, getUser } from "./list-users.ts";
export { verifyCredentials, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MINUTES } from "./verify-credentials.ts";
export { ensureFirstAdmin } from "./ensure-first-admin.ts";
export { createUserSchema, updateUserSchema, emailSchema, passwordSchema, type CreateUserInput, type UpdateUserInput } from "./schemas.ts";
export { presentUser, type UserView } from "./present.ts";
export { signInWithOidc } from "./sign-in-with-oidc.ts";
