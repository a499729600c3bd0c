import { route } from "@/lib/http/index.ts";
import { resetUserPassword } from "@/lib/users/index.ts";

/** An admin sets a temporary password (returned once) that the user must change at next sign-in (audited `user.password_reset`). */
export const POST = route({
  permission: "users:write",
  handler: ({ principal, params }) => resetUserPassword({ userId: params.id!, principal }),
});
