import Link from "next/link";
import type { CohortView } from "@/lib/cohorts/index.ts";
import { StatusBadge } from "./ui/badge.tsx";
import { Empty, Table, Td } from "./ui/table.tsx";

/** Cohorts with how many agents each has and whether it is halted. */
export function CohortsTable({ cohorts }: { cohorts: CohortView[] }) {
  return (
    <Table label="Cohorts" head={["Cohort", "Agents", "Status"]} empty={cohorts.length === 0 ? <Empty>No cohorts yet: registering an agent creates its cohort.</Empty> : null}>
      {cohorts.map((c) => (
        <tr key={c.id} data-testid={`cohort-row-${c.name}`}>
          <Td>
            <Link className="link" href={`/agents?cohort=${encodeURIComponent(c.name)}`}>{c.name}</Link>
            {c.status === "halted" && c.haltReason && <div className="mt-0.5 max-w-xs truncate text-xs text-red-600 dark:text-red-400">{c.haltReason}</div>}
          </Td>
          <Td className="tabular-nums">
            {c.agents}
            {c.haltedAgents > 0 && <span className="ml-1 text-xs text-slate-500">({c.haltedAgents} halted)</span>}
          </Td>
          <Td><StatusBadge status={c.status} /></Td>
        </tr>
      ))}
    </Table>
  );
}
