"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { VersionDiff, VersionView } from "@/lib/releases/index.ts";
import { api, messageOf } from "../api.ts";
import { Badge } from "../ui/badge.tsx";
import { inputClass } from "../ui/field.tsx";
import { Table, Td } from "../ui/table.tsx";
import { Time } from "../ui/time.tsx";

const show = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v));

/** The agent's versions, and the difference between any two (config, who, when). */
export function VersionsPanel({ agentId, versions }: { agentId: string; versions: VersionView[] }) {
  const [from, setFrom] = useState(versions[1]?.version ?? versions[0]?.version ?? "");
  const [to, setTo] = useState(versions[0]?.version ?? "");
  const diff = useQuery({
    queryKey: ["version-diff", agentId, from, to],
    queryFn: () => api<VersionDiff>(`/api/agents/${agentId}/versions/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
    enabled: !!from && !!to && from !== to,
  });
  return (
    <div>
      <Table head={["Version", "Registered", "By", "Notes"]} label="Versions">
        {versions.map((v) => (
          <tr key={v.version}>
            <Td mono>
              {v.version} {v.current && <Badge tone="green">current</Badge>}
            </Td>
            <Td>
              <Time iso={v.createdAt} />
            </Td>
            <Td className="text-xs">{v.createdBy}</Td>
            <Td className="text-xs text-slate-600 dark:text-slate-400">{v.notes || "—"}</Td>
          </tr>
        ))}
      </Table>
      {versions.length >= 2 && (
        <div className="border-t border-slate-200 p-4 dark:border-slate-800">
          <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
            Compare
            <select aria-label="Diff from" className={inputClass.replace("w-full", "w-auto")} value={from} onChange={(e) => setFrom(e.target.value)}>
              {versions.map((v) => (
                <option key={v.version}>{v.version}</option>
              ))}
            </select>
            with
            <select aria-label="Diff to" className={inputClass.replace("w-full", "w-auto")} value={to} onChange={(e) => setTo(e.target.value)}>
              {versions.map((v) => (
                <option key={v.version}>{v.version}</option>
              ))}
            </select>
          </div>
          {diff.error && <p className="text-sm text-red-600">{messageOf(diff.error)}</p>}
          {diff.data && (
            <div data-testid="version-diff">
              <p className="mb-2 text-xs text-slate-500">
                {diff.data.from.version} by {diff.data.from.createdBy} (<Time iso={diff.data.from.createdAt} />) → {diff.data.to.version} by {diff.data.to.createdBy} (<Time iso={diff.data.to.createdAt} />)
              </p>
              {diff.data.changes.length === 0 ? (
                <p className="text-sm text-slate-500">Same configuration.</p>
              ) : (
                <dl className="space-y-1 font-mono text-xs">
                  {diff.data.changes.map((c) => (
                    <div key={c.path}>
                      <dt className="font-sans font-medium text-slate-600 dark:text-slate-300">
                        {c.path} <span className="font-normal text-slate-500">({c.kind})</span>
                      </dt>
                      {c.kind !== "added" && <dd className="rounded bg-red-50 px-2 py-0.5 text-red-800 line-through dark:bg-red-500/10 dark:text-red-300">{show(c.from)}</dd>}
                      {c.kind !== "removed" && <dd className="rounded bg-emerald-50 px-2 py-0.5 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300">{show(c.to)}</dd>}
                    </div>
                  ))}
                </dl>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
