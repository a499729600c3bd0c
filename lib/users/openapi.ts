import { z } from "zod";
import { ROLES } from "../auth/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { changePasswordSchema } from "./change-password.ts";
import { createUserSchema, updateUserSchema } from "./schemas.ts";

/** `UserView` (present.ts) as a schema. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

const user = { id: "usr_02", email: "bo@maison.example", name: "Bo", role: "approver", disabled: false, mustChangePassword: false, lastLoginAt: null, createdAt: "2026-11-20T10:00:00.000Z" };

/** The user administration routes. */
export const usersApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/users",
    operationId: "listUsers",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary: "Every user, with whether their sign-in is currently delayed",
    responses: { 200: { description: "The users", schema: z.object({ users: z.array(z.object({ ...userViewSchema.shape, signInDelayed: z.boolean() })) }), example: { users: [{ ...user, signInDelayed: false }] } } },
  },
  {
    method: "post",
    path: "/api/users",
    operationId: "createUser",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary: "Create a user (a generated initial password is returned once when none is given)",
    body: createUserSchema,
    bodyExample: { email: "bo@maison.example", name: "Bo", role: "approver" },
    responses: { 201: { description: "Created", schema: z.object({ user: userViewSchema, initialPassword: z.string().optional() }), example: { user, initialPassword: "…" } } },
    errors: ["email_taken"],
  },
  {
    method: "get",
    path: "/api/users/{id}",
    operationId: "getUser",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary: "One user",
    responses: { 200: { description: "The user", schema: z.object({ user: userViewSchema }), example: { user } } },
  },
  {
    method: "patch",
    path: "/api/users/{id}",
    operationId: "updateUser",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary: "Change a user's role, name, password or disabled state",
    body: updateUserSchema,
    bodyExample: { role: "admin" },
    responses: { 200: { description: "The user", schema: z.object({ user: userViewSchema }), example: { user: { ...user, role: "admin" } } } },
    errors: ["last_admin"],
  },
  {
    method: "post",
    path: "/api/users/{id}/unlock",
    operationId: "unlockUserSignIn",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary: "Clear a user's sign-in delays at once",
    responses: { 200: { description: "Cleared", schema: z.object({ user: userViewSchema, cleared: z.number().int() }), example: { user, cleared: 1 } } },
  },
  {
    method: "post",
    path: "/api/users/{id}/password-reset",
    operationId: "resetUserPassword",
    tag: "Users and tokens",
    auth: "user",
    permission: "users:write",
    summary:
      "Reset another user's password to a generated temporary one, returned once. The user must set a new password at next sign-in (until then their session is answered 403 password_change_required, and POST /api/login refuses the temporary one). Their dashboard sessions end and their login tokens are revoked; personal API tokens keep working. Audited user.password_reset; throttled per admin (20 per hour, then delayed).",
    responses: { 200: { description: "The temporary password (shown once)", schema: z.object({ temporaryPassword: z.string() }), example: { temporaryPassword: "k3-Vt9…" } } },
    errors: ["validation_failed", "rate_limited"],
  },
  {
    method: "post",
    path: "/api/me/password",
    operationId: "changeOwnPassword",
    tag: "Users and tokens",
    auth: "user",
    permission: "read",
    summary:
      "Change your own password, giving the current one (new: 12–256 characters, not the current one). Your other dashboard sessions end and your login tokens are revoked; this session and personal API tokens stay. Audited user.password_changed; wrong current passwords are audited and throttled per user (5 per 15 minutes, then progressive delays). The one write a session with a temporary password may make.",
    body: changePasswordSchema,
    bodyExample: { currentPassword: "the one you have", newPassword: "a new one, 12+ characters" },
    responses: { 200: { description: "Changed", schema: z.object({ sessionsEnded: z.number().int(), tokensRevoked: z.number().int() }), example: { sessionsEnded: 1, tokensRevoked: 0 } } },
    errors: ["wrong_password", "password_unchanged", "rate_limited"],
  },
];
