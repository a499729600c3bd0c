import Link from "next/link";
import { AuditEventsTable } from "@/components/audit-events-table.tsx";
import { LiveOverview } from "@/components/overview/live-overview.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { listAuditEvents } from "@/lib/audit/index.ts";
import { getOverview } from "@/lib/overview/index.ts";
import { actorLabels } from "./actor-labels.ts";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const [overview, audit, labels] = await Promise.all([getOverview(), listAuditEvents({ limit: 10 }), actorLabels()]);
  return (
    <>
      <PageHeader title="Overview" subtitle="What your agents are doing, and what Warden is stopping." />
      <LiveOverview initial={overview} />
      <Panel title="Latest audit events" className="mt-6" flush actions={<Link className="link text-sm" href="/audit">Open audit log</Link>}>
        <AuditEventsTable events={audit.events} labels={labels} showData={false} label="Latest audit events" emptyText="Nothing recorded yet." />
      </Panel>
    </>
  );
}
