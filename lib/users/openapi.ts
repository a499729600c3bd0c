import { z } from "zod";
import { ROLES } from "../auth/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { createUserSchema, updateUserSchema } from "./schemas.ts";

/** `UserView` (present.ts) as a schema. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

const user = { id: "usr_02", email: "bo@maison.example", name: "Bo", role: "approver", disabled: false, lastLoginAt: null, createdAt: "2026-11-20T10:00:00.000Z" };

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
];
