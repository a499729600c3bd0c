import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { getTeam, teamUpdateSchema, updateTeam } from "@/lib/teams/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ team: await getTeam(params.id!) }) });

export const PUT = route({
  permission: "users:write",
  body: teamUpdateSchema,
  handler: async ({ principal, body, params }) => ({ team: await updateTeam({ teamId: params.id!, input: body, actor: actorOf(principal) }) }),
});
