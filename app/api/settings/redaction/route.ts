import { route } from "@/lib/http/index.ts";
import { redactionSettings, updateRedactionRules } from "@/lib/redaction/index.ts";
import { redactionRulesSchema } from "@/lib/redaction/index.ts";

export const GET = route({ permission: "read", handler: () => redactionSettings() });

export const PUT = route({ permission: "settings:write", body: redactionRulesSchema, handler: ({ principal, body }) => updateRedactionRules(principal, body) });
