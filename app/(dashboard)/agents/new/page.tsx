import Link from "next/link";
import { RegisterAgentForm } from "@/components/agent-form.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePermission } from "../../../session.ts";

export const metadata = { title: "Register agent" };

export default async function NewAgentPage() {
  await requirePermission("agents:write");
  const cohorts = await listCohorts();
  return (
    <div className="max-w-3xl">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500 dark:text-slate-400">
        <Link href="/agents" className="hover:text-slate-800 dark:hover:text-slate-200">Agents</Link> <span aria-hidden>/</span> New
      </nav>
      <PageHeader title="Register an agent" subtitle="It gets its own API key, shown once. Name the person or team accountable for what it does." />
      <Panel>
        <RegisterAgentForm cohorts={cohorts.map((c) => c.name)} />
      </Panel>
    </div>
  );
}
