import { route } from "@/lib/http/index.ts";
import { changeOwnPassword, changePasswordSchema } from "@/lib/users/index.ts";

/**
 * Changes the caller's own password, given the current one (audited `user.password_changed`;
 * the caller's other sessions end). Served during a forced change (a temporary password).
 */
export const POST = route({
  permission: "read",
  body: changePasswordSchema,
  maxBodyBytes: 4096,
  duringPasswordChange: true,
  handler: ({ principal, body }) => changeOwnPassword({ principal, input: body }),
});
