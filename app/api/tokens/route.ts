import { route } from "@/lib/http/index.ts";
import { createApiToken, createTokenSchema, listApiTokens } from "@/lib/tokens/index.ts";

export const GET = route({ permission: "read", handler: async ({ principal }) => ({ tokens: await listApiTokens(principal.userId) }) });

export const POST = route({
  permission: "tokens:write",
  body: createTokenSchema,
  status: 201,
  handler: ({ principal, body }) => createApiToken({ principal, input: body }),
});
