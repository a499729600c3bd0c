import { listActions, listActionsSchema } from "@/lib/decisions/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", query: listActionsSchema, handler: ({ query }) => listActions(query) });
