// The tool results the gateway answers with itself. Refusals are tool results with
// `isError: true` (not JSON-RPC errors) so the model reads why and can adapt; each carries
// `_meta["warden/action"]` for clients that want the action id, status and reasons.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { WardenError, WardenUnavailable, type ActionAnswer, type Reason } from "../../sdk/src/index.ts";

export const META_KEY = "warden/action";

const HALTS = new Set(["agent_halted", "cohort_halted", "global_halt"]);

export type WardenMeta = { id?: string; action: string; decision?: string; status?: string; reasons?: Reason[]; error?: string };

const reasonText = (reasons: Reason[]) => reasons.map((r) => `[${r.code}] ${r.message || r.policyName || "no message"}`).join("; ") || "no reason given";

/** Warden said no (denied by policy or halt, rejected by a human, or expired): never forwarded. */
export function denialResult(answer: ActionAnswer, action: string): CallToolResult {
  const halted = answer.reasons.some((r) => HALTS.has(r.code));
  const how = answer.status === "rejected" ? (halted ? "A halt rejected" : "A human rejected") : answer.status === "expired" ? "Nobody approved in time" : "Warden denied";
  const again = answer.status === "expired" ? " Calling again asks again." : "";
  return {
    content: [{ type: "text", text: `${how} ${action} (Warden action ${answer.id}, ${answer.status}): ${reasonText(answer.reasons)}. The call was not made.${again}` }],
    isError: true,
    _meta: { [META_KEY]: { id: answer.id, action, decision: answer.decision, status: answer.status, reasons: answer.reasons } satisfies WardenMeta },
  };
}

/** Warden could not be asked, or refused the request itself: fail closed, never forwarded. */
export function refusalResult(err: unknown, action: string, upstream: string, actionId?: string): CallToolResult {
  let text: string;
  let code = "error";
  if (err instanceof WardenUnavailable) {
    code = err.code;
    text = `Warden is unavailable (${err.code}): ${err.message}. The call to ${action} was not made; Warden must be reachable for tool calls to run. Try again later.`;
  } else if (err instanceof WardenError && err.status === 401) {
    code = err.code;
    text = `Warden does not accept the agent key configured for upstream "${upstream}" (${err.code}: ${err.message}). The call to ${action} was not made.`;
  } else if (err instanceof WardenError) {
    code = err.code;
    text = `Warden refused to decide on ${action} (${err.code}: ${err.message}). The call was not made.`;
  } else {
    text = `Warden could not be asked about ${action}: ${(err as Error)?.message ?? String(err)}. The call was not made.`;
  }
  if (actionId) text += ` It was waiting as Warden action ${actionId}; calling again with the same arguments resumes it.`;
  return { content: [{ type: "text", text }], isError: true, _meta: { [META_KEY]: { ...(actionId ? { id: actionId } : {}), action, error: code } satisfies WardenMeta } };
}

/** Said in progress notifications while a call waits for a human. */
export function waitingMessage(answer: ActionAnswer, action: string): string {
  const why = answer.reasons.filter((r) => r.effect === "require_approval" || r.code === "policy").map((r) => r.message).filter(Boolean).join("; ");
  const until = answer.expiresAt ? ` until ${answer.expiresAt}` : "";
  return `Waiting for a human to approve ${action} in Warden (action ${answer.id})${until}${why ? `: ${why}` : ""}`;
}

/** The upstream's own result, with what Warden recorded about it in `_meta`. */
export function withWardenMeta(result: CallToolResult, meta: WardenMeta): CallToolResult {
  return { ...result, _meta: { ...result._meta, [META_KEY]: meta } };
}
