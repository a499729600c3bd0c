import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { unlockUserSignIn } from "@/lib/users/index.ts";

/** Clears a user's sign-in delays at once (audited `auth.login_unlocked`). */
export const POST = route({
  permission: "users:write",
  handler: ({ principal, params }) => unlockUserSignIn({ userId: params.id!, actor: actorOf(principal) }),
});
