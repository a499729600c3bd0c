import type { Reason } from "../actions/index.ts";

/** The reason an action outside the agent's grants is denied with. */
export function notGrantedReason(action: string, resource: string): Reason {
  return { code: "not_granted", message: `Not granted: this agent's capabilities don't include ${action}${resource ? ` on ${resource}` : ""}` };
}
