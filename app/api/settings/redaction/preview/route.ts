import { route } from "@/lib/http/index.ts";
import { previewRedaction, redactionPreviewSchema } from "@/lib/redaction/index.ts";

/** Shows what would be stored for a sample under draft rules; stores nothing. */
export const POST = route({ permission: "settings:write", body: redactionPreviewSchema, maxBodyBytes: 64 * 1024, handler: async ({ body: b }) => previewRedaction(b.rules, b.sample) });
