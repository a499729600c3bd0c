import { listCohorts } from "@/lib/cohorts/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: async () => ({ cohorts: await listCohorts() }) });
