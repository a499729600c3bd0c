import { route } from "@/lib/http/index.ts";
import { revokeApiToken } from "@/lib/tokens/index.ts";

// Revoking your own token (e.g. a leaked login token) needs no admin right.
export const DELETE = route({
  permission: "read",
  handler: async ({ principal, params }) => ({ token: await revokeApiToken({ tokenId: params.id!, principal }) }),
});
