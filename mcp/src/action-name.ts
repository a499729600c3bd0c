import { createHash } from "node:crypto";

const MAX_ACTION = 128; // Warden's action names: [a-z0-9_.:-]{1,128}

/**
 * The Warden action a tool call becomes: `mcp.<upstream>.<tool>`. Upstream names already fit
 * Warden's charset (see config.ts). The tool name is lower-cased and every character outside
 * `[a-z0-9_.:-]` becomes `_` (`readFile` → `readfile`, `get sum` → `get_sum`); a result longer
 * than 128 characters is cut to 115 and ends in `-` plus 12 hex digits of the SHA-256 of the
 * original tool name, so long names stay distinct. The mapping may merge names that differ
 * only in case or in replaced characters: a policy on the merged name then covers both, which
 * errs on the side of governing more. Policies that need the exact name read
 * `context.mcp.tool`.
 */
export function actionNameFor(upstream: string, tool: string): string {
  const safe = tool.toLowerCase().replace(/[^a-z0-9_.:-]/g, "_") || "_";
  const name = `mcp.${upstream}.${safe}`;
  if (name.length <= MAX_ACTION) return name;
  const digest = createHash("sha256").update(tool).digest("hex").slice(0, 12);
  return `${name.slice(0, MAX_ACTION - 13)}-${digest}`;
}
