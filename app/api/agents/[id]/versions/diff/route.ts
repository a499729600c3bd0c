import { route } from "@/lib/http/index.ts";
import { diffQuerySchema, diffVersions } from "@/lib/releases/index.ts";

/** `?from=&to=`: who registered each version and when, and every config path added, removed or changed. */
export const GET = route({ permission: "read", query: diffQuerySchema, handler: async ({ params, query }) => diffVersions(params.id!, query.from, query.to) });
