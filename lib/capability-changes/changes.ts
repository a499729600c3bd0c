import type { CapabilityChange } from "../db/index.ts";
import { capabilitiesOf, wideningOf, type Capabilities, type Capability } from "../grants/index.ts";

/** A request to widen an agent's grants, waiting for (or decided by) a second person. */
export type CapabilityChangeView = {
  id: string;
  agentId: string;
  agentName: string;
  status: "pending" | "confirmed" | "rejected" | "superseded";
  before: Capabilities;
  after: Capabilities;
  /** The grants `after` adds to `before` ("everything" when it makes the agent unrestricted). */
  added: Capability[] | "everything";
  requestedBy: string;
  reason: string;
  decidedBy: string | null;
  comment: string;
  createdAt: string;
  decidedAt: string | null;
};

export function presentChange(c: CapabilityChange & { agent: { name: string } }): CapabilityChangeView {
  const p = (c.proposal ?? {}) as { before?: unknown; after?: unknown };
  const before = capabilitiesOf(p.before);
  const after = capabilitiesOf(p.after);
  return {
    id: c.id,
    agentId: c.agentId,
    agentName: c.agent.name,
    status: c.status.toLowerCase() as CapabilityChangeView["status"],
    before,
    after,
    added: wideningOf(before, after).added,
    requestedBy: c.requestedBy,
    reason: c.reason,
    decidedBy: c.decidedBy,
    comment: c.comment,
    createdAt: c.createdAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? null,
  };
}
