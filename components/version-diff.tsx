import type { PolicyVersionView } from "@/lib/policies/index.ts";
import { Actor, type ActorLabels } from "./ui/actor.tsx";
import { Badge } from "./ui/badge.tsx";
import { Time } from "./ui/time.tsx";

const FIELDS = ["condition", "effect", "mode", "stage", "target", "priority", "message", "approval", "description"] as const;

const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** Each version with what changed against the one before it; authors by name (`labels`: app/(dashboard)/actor-labels.ts). */
export function VersionHistory({ versions, labels }: { versions: PolicyVersionView[]; labels: ActorLabels }) {
  return (
    <ol className="space-y-4">
      {versions.map((v, i) => {
        const prev = versions[i + 1];
        const changed = prev ? FIELDS.filter((f) => show(v[f]) !== show(prev[f])) : [];
        return (
          <li key={v.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid={`version-${v.version}`}>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={i === 0 ? "green" : "gray"}>v{v.version}</Badge>
              <Time iso={v.createdAt} />
              {v.createdBy && <span className="text-xs text-slate-500">by <Actor id={`user:${v.createdBy}`} labels={labels} className="text-slate-700 dark:text-slate-300" /></span>}
              {!prev && <span className="text-xs text-slate-500">first version</span>}
            </div>
            {changed.length > 0 && (
              <dl className="mt-2 space-y-1 font-mono text-xs">
                {changed.map((f) => (
                  <div key={f}>
                    <dt className="font-sans font-medium text-slate-600 dark:text-slate-300">{f}</dt>
                    <dd className="rounded bg-red-50 px-2 py-0.5 text-red-800 line-through dark:bg-red-500/10 dark:text-red-300">{show(prev![f])}</dd>
                    <dd className="rounded bg-emerald-50 px-2 py-0.5 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300">{show(v[f])}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        );
      })}
    </ol>
  );
}
