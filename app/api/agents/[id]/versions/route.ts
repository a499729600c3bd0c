import { actorOf } from "@/lib/auth/index.ts";
import { json, route } from "@/lib/http/index.ts";
import { listVersions, MAX_CONFIG_BYTES, registerVersion, registerVersionSchema } from "@/lib/releases/index.ts";

/** The agent's versions, newest first: [{version, config, createdAt, createdBy, notes, current}]. */
export const GET = route({ permission: "read", handler: async ({ params }) => listVersions(params.id!) });

/** Registers an immutable version: 201 {version}; the same label and config again: 200 {version}. */
export const POST = route({
  permission: "agents:write",
  body: registerVersionSchema,
  maxBodyBytes: MAX_CONFIG_BYTES + 8 * 1024,
  handler: async ({ principal, body, params }) => {
    const { version, created } = await registerVersion({ agentId: params.id!, input: body, actor: actorOf(principal), createdBy: principal.email, createdById: principal.userId });
    return json({ version }, created ? 201 : 200);
  },
});
