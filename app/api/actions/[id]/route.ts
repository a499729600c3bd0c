import { getAction } from "@/lib/decisions/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ action: await getAction(params.id!) }) });
