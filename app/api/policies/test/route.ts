import { route } from "@/lib/http/index.ts";
import { policyTestSchema, testPolicy } from "@/lib/policies/index.ts";

/** Dry run of a draft on a sample and over recorded actions: nothing is saved. Runs arbitrary conditions over stored data, so only for those who may write policies. */
export const POST = route({ permission: "policies:write", body: policyTestSchema, handler: ({ body }) => testPolicy(body) });
