import { route } from "@/lib/http/index.ts";
import { containmentSummary } from "@/lib/overview/index.ts";

/** What containment holds and flags now (open breakers, recent anomalies, unrestricted agents, pending grant requests). */
export const GET = route({ permission: "read", handler: () => containmentSummary() });
