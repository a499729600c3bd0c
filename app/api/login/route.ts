import { clientIp, publicRoute, unauthorized, WardenError } from "@/lib/http/index.ts";
import { issueLoginToken, loginSchema } from "@/lib/tokens/index.ts";
import { verifyCredentials } from "@/lib/users/index.ts";

/**
 * A short-lived API token for command-line tools and scripts. Throttled like the dashboard's
 * sign-in (429 `rate_limited` with Retry-After while delayed). A temporary password (an
 * admin's reset) is refused with 403 `password_change_required`.
 */
export const POST = publicRoute({
  body: loginSchema,
  maxBodyBytes: 4096,
  handler: async ({ req, body }) => {
    const principal = await verifyCredentials({ ...body, ip: clientIp(req), via: "api" });
    if (!principal) throw unauthorized("Wrong e-mail or password");
    // A temporary password (an admin's reset) buys nothing but the chance to replace it.
    if (principal.mustChangePassword) throw new WardenError("password_change_required", "This is a temporary password: sign in to the dashboard and set a new one first");
    const t = await issueLoginToken(principal);
    return { token: t.token, expiresAt: t.expiresAt, role: principal.role };
  },
});
