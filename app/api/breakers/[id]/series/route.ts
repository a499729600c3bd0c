import { breakerSeries, breakerSeriesQuerySchema } from "@/lib/breakers/index.ts";
import { route } from "@/lib/http/index.ts";

/** The breaker's metric over its rolling window at each of the last `points` 10-second buckets (its chart). */
export const GET = route({
  permission: "read",
  query: breakerSeriesQuerySchema,
  handler: async ({ params, query }) => ({ points: await breakerSeries(params.id!, query.points) }),
});
