import type { Reason } from "@/lib/actions/index.ts";
import { Badge } from "./ui/badge.tsx";

export function Reasons({ reasons, shadow }: { reasons: Reason[]; shadow?: Reason[] }) {
  return (
    <ul className="space-y-0.5 text-xs">
      {reasons.map((r, i) => (
        <li key={i}>
          {r.policyName ? <span className="font-medium">{r.policyName}{r.policyVersion ? ` v${r.policyVersion}` : ""}: </span> : <Badge tone="gray">{r.code}</Badge>} {r.message}
        </li>
      ))}
      {shadow?.map((r, i) => (
        <li key={`s${i}`} className="text-amber-700 dark:text-amber-300">
          shadow · {r.policyName}: {r.message}
        </li>
      ))}
    </ul>
  );
}
