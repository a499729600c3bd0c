"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { RolloutView, VersionView } from "@/lib/releases/index.ts";
import { api } from "../api.ts";
import { Badge } from "../ui/badge.tsx";
import { Panel } from "../ui/panel.tsx";
import { Table, Td } from "../ui/table.tsx";
import { Time } from "../ui/time.tsx";
import type { GuardPoint } from "./guard-chart.tsx";
import { RolloutPanel, rolloutTone } from "./rollout-panel.tsx";
import { StartRollout } from "./start-rollout.tsx";
import { VersionsPanel } from "./versions-panel.tsx";

const REFRESH_MS = 2000;

/** An agent's Releases tab: the latest rollout live, starting one, versions with diff, history. */
export function ReleasesView({ agentId, versions, rollouts, points, canWrite }: { agentId: string; versions: VersionView[]; rollouts: RolloutView[]; points: GuardPoint[]; canWrite: boolean }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["rollouts", agentId], queryFn: () => api<{ rollouts: RolloutView[] }>(`/api/agents/${agentId}/rollouts`), initialData: { rollouts }, refetchInterval: REFRESH_MS });
  const latest = list.data.rollouts[0] ?? null;
  const live = latest && (latest.status === "running" || latest.status === "paused");
  const chart = useQuery({
    queryKey: ["rollout-points", latest?.id],
    queryFn: () => api<{ points: GuardPoint[] }>(`/api/rollouts/${latest!.id}/points`),
    initialData: latest && latest.id === rollouts[0]?.id ? { points } : undefined,
    enabled: !!latest,
    refetchInterval: live ? REFRESH_MS : false,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ["rollouts", agentId] });
  return (
    <div className="grid gap-6">
      {latest ? <RolloutPanel rollout={latest} points={chart.data?.points ?? []} canWrite={canWrite} onChange={refresh} /> : null}
      {canWrite && !live && (
        <Panel title="Start a rollout" description="Release a version to a share of traffic; guards compare it with the baseline continuously and roll it back by themselves.">
          <StartRollout agentId={agentId} versions={versions} onStarted={refresh} />
        </Panel>
      )}
      <Panel title="Versions" description="Immutable: a label and its configuration (PII-redacted). Agents send the version they run; policies can target versions." flush>
        <VersionsPanel agentId={agentId} versions={versions} />
      </Panel>
      <Panel title="History" description="Every rollout of this agent and why it ended." flush>
        <Table head={["Candidate", "Baseline", "Mode", "Status", "Started", "Ended", "Why"]} label="Rollout history">
          {list.data.rollouts.map((r) => (
            <tr key={r.id} data-testid={`rollout-${r.id}`}>
              <Td mono>{r.candidate}</Td>
              <Td mono>{r.baseline}</Td>
              <Td className="text-xs">{r.mode}</Td>
              <Td>
                <Badge tone={rolloutTone(r.status)} dot>
                  {r.status.replace("_", " ")}
                </Badge>
              </Td>
              <Td>
                <Time iso={r.createdAt} />
              </Td>
              <Td>
                <Time iso={r.endedAt} />
              </Td>
              <Td className="max-w-md text-xs text-slate-600 dark:text-slate-400">{r.endedReason ?? (r.status === "running" ? `step ${r.step}: ${r.share} %` : "—")}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </div>
  );
}
