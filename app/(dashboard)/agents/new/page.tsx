import { RegisterAgentForm } from "@/components/agent-form.tsx";
import { Card, PageHeader } from "@/components/ui/primitives.tsx";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePermission } from "../../../session.ts";

export const metadata = { title: "Register agent" };

export default async function NewAgentPage() {
  await requirePermission("agents:write");
  const cohorts = await listCohorts();
  return (
    <>
      <PageHeader title="Register an agent" subtitle="It gets its own key; you name who is accountable for it." />
      <Card className="max-w-3xl">
        <RegisterAgentForm cohorts={cohorts.map((c) => c.name)} />
      </Card>
    </>
  );
}
