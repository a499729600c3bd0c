import Link from "next/link";
import { ApprovalFocus } from "@/components/approvals/approval-focus.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";
import { can, roleNote } from "@/lib/auth/index.ts";
import { getAction } from "@/lib/decisions/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";

export const metadata = { title: "Approval" };

/**
 * One approval, as notifications link to it (`?decide=approve|reject` opens the confirmation;
 * nothing is decided until the approver confirms on this page, signed in).
 */
export default async function ApprovalPage({ params, searchParams }: { params: Promise<{ actionId: string }>; searchParams: Promise<{ decide?: string }> }) {
  const p = await requirePrincipal();
  const { actionId } = await params;
  const { decide } = await searchParams;
  const a = await orNotFound(getAction(actionId));
  return (
    <>
      <PageHeader
        title={<span className="font-mono text-xl">{a.action}</span>}
        subtitle={
          <>
            by <Link className="link" href={`/agents/${a.agentId}`}>{a.agentName}</Link> · {a.resource || "no resource"} · <Link className="link" href={`/actions/${a.id}`}>the whole story</Link> ·{" "}
            <Link className="link" href="/approvals">the queue</Link>
          </>
        }
      />
      <ApprovalFocus actionId={a.id} canDecide={can(p.role, "approvals:decide")} decideNote={roleNote("approvals:decide", p.role, "Approving or rejecting")} decide={decide === "approve" || decide === "reject" ? decide : null} />
    </>
  );
}
