/**
 * Users: creation, role changes (the last active admin can't be demoted), sign-in with
 * argon2id passwords (throttled by client address and account, audited) or OIDC, sign-out
 * (the session ends on the server), an admin's unlock of throttled sign-ins, a password change
 * with the current one and an admin's reset to a temporary one (changed at next sign-in), the
 * names people know actors by (actorDirectory), and the first admin at start.
 */
export { createUser } from "./create-user.ts";
export { updateUser } from "./update-user.ts";
export { listUsers, getUser, type UserListItem } from "./list-users.ts";
export { verifyCredentials, type CredentialCheck } from "./verify-credentials.ts";
export { unlockUserSignIn } from "./unlock-sign-in.ts";
export { changeOwnPassword, changePasswordSchema, type ChangePasswordInput } from "./change-password.ts";
export { resetUserPassword } from "./reset-password.ts";
export { signOutSession } from "./sign-out.ts";
export { ensureFirstAdmin } from "./ensure-first-admin.ts";
export { createUserSchema, updateUserSchema, emailSchema, passwordSchema, type CreateUserInput, type UpdateUserInput } from "./schemas.ts";
export { presentUser, type UserView } from "./present.ts";
export { signInWithOidc } from "./sign-in-with-oidc.ts";
export { actorName } from "./actor-name.ts";
export { actorDirectory, type ActorLabel } from "./actor-directory.ts";
export { usersApi, userViewSchema } from "./openapi.ts";
