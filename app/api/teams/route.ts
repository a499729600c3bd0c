import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { createTeam, listTeams, teamInputSchema } from "@/lib/teams/index.ts";

export const GET = route({ permission: "read", handler: async () => ({ teams: await listTeams() }) });

export const POST = route({
  permission: "users:write",
  body: teamInputSchema,
  status: 201,
  handler: async ({ principal, body }) => ({ team: await createTeam({ input: body, actor: actorOf(principal) }) }),
});
