import { route } from "@/lib/http/index.ts";
import { policyTestSchema, testPolicy } from "@/lib/policies/index.ts";

/** Dry run of a draft: nothing is saved. */
export const POST = route({ permission: "read", body: policyTestSchema, handler: ({ body }) => testPolicy(body) });
