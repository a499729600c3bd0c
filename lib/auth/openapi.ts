import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { ROLES } from "./permissions.ts";

/** `GET /api/me`: the caller and the permissions its role grants. */
export const meAnswerSchema = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    // Signed in with a temporary password (an admin's reset): only POST /api/me/password is served until it is changed.
    mustChangePassword: z.boolean(),
  }),
  permissions: z.array(z.string()),
});

/** The caller's own identity. */
export const authApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/me",
    operationId: "me",
    tag: "Users and tokens",
    auth: "user",
    permission: "read",
    summary: "Who am I, and what may I do",
    responses: {
      200: {
        description: "The caller",
        schema: meAnswerSchema,
        example: { user: { id: "usr_01", email: "ana@maison.example", name: "Ana", role: "operator", mustChangePassword: false }, permissions: ["read", "agents:write", "agents:halt"] },
      },
    },
  },
];
