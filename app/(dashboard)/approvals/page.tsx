import { ApprovalQueue } from "@/components/approval-queue.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";
import { can, roleNote } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const p = await requirePrincipal();
  const cohorts = await listCohorts();
  return (
    <>
      <PageHeader title="Approvals" subtitle="Actions a policy or an agent sent to a human, oldest first: yours first, by your teams' stages. The waiting agent hears your decision at once." />
      <ApprovalQueue canDecide={can(p.role, "approvals:decide")} decideNote={roleNote("approvals:decide", p.role, "Approving or rejecting")} isAdmin={p.role === "admin"} cohorts={cohorts.map((c) => c.name)} />
    </>
  );
}
