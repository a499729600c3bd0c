import { route } from "@/lib/http/index.ts";
import { getOverview } from "@/lib/overview/index.ts";

export const GET = route({ permission: "read", handler: () => getOverview() });
