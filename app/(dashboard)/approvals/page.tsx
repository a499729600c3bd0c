import { ApprovalQueue } from "@/components/approval-queue.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const p = await requirePrincipal();
  const cohorts = await listCohorts();
  return (
    <>
      <PageHeader title="Approvals" subtitle="Actions a policy sent to a human, oldest first. The waiting agent hears your decision at once." />
      <ApprovalQueue canDecide={can(p.role, "approvals:decide")} cohorts={cohorts.map((c) => c.name)} />
    </>
  );
}
