import Link from "next/link";
import type { AnomalyView } from "@/lib/anomalies/index.ts";
import { Badge } from "../ui/badge.tsx";
import { Empty } from "../ui/table.tsx";
import { Time } from "../ui/time.tsx";

const KIND: Record<string, string> = { new_action: "new action", new_resource_kind: "new resource kind", records_per_hour: "records per hour", pii_per_hour: "personal data per hour" };

/** Unusual-access alerts, each explained in words. */
export function AnomaliesList({ anomalies, showAgent = true }: { anomalies: AnomalyView[]; showAgent?: boolean }) {
  if (anomalies.length === 0) return <Empty>Nothing unusual in the last 24 hours.</Empty>;
  return (
    <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Unusual access">
      {anomalies.map((a) => (
        <li key={a.id} className="px-4 py-2.5" data-testid="anomaly">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone="amber" dot>{KIND[a.kind] ?? a.kind}</Badge>
            {showAgent && <Link className="link font-mono" href={`/agents/${a.agentId}`}>{a.agentName}</Link>}
            <span className="text-xs text-slate-500">({a.cohort}) · <Time iso={a.detectedAt} /></span>
            {a.breakersOpened.length > 0 && <Badge tone="red">opened {a.breakersOpened.join(", ")}</Badge>}
          </div>
          <p className="mt-0.5 text-slate-700 dark:text-slate-300">{showAgent ? `${a.agentName} ` : ""}{a.explanation}</p>
        </li>
      ))}
    </ul>
  );
}
