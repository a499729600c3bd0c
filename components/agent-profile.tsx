"use client";

import Link from "next/link";
import { useState } from "react";
import type { AgentView } from "@/lib/agents/index.ts";
import { EditAgentForm } from "./agent-form.tsx";
import { Badge, riskTone, StatusBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { Panel } from "./ui/panel.tsx";
import { Time } from "./ui/time.tsx";

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="grid grid-cols-3 gap-3 py-2.5">
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="col-span-2 min-w-0 break-words" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Who is accountable for an agent and how it is classified; editable in place by operators. */
export function AgentProfile({ agent, cohorts, canWrite }: { agent: AgentView; cohorts: string[]; canWrite: boolean }) {
  const [editing, setEditing] = useState(false);
  return (
    <Panel
      title="Accountability"
      description="Who answers for this agent, and how risky it is."
      actions={canWrite && !editing ? <Button variant="secondary" onClick={() => setEditing(true)}>Edit</Button> : null}
    >
      {editing ? (
        <EditAgentForm
          id={agent.id}
          cohorts={cohorts}
          initial={{ description: agent.description, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier }}
          onDone={() => setEditing(false)}
        />
      ) : (
        <dl className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          <Row label="Owner" testId="agent-owner">
            <span className="font-medium">{agent.owner}</span>
          </Row>
          <Row label="Cohort" testId="agent-cohort">
            <Link className="link" href={`/agents?cohort=${encodeURIComponent(agent.cohort)}`}>
              {agent.cohort}
            </Link>
          </Row>
          <Row label="Risk tier" testId="agent-risk">
            <Badge tone={riskTone(agent.riskTier)}>{agent.riskTier}</Badge>
          </Row>
          <Row label="Status" testId="agent-status">
            <StatusBadge status={agent.status} />
            {agent.haltedBy && <span className="ml-2 text-xs text-slate-500">by {agent.haltedBy === "agent" ? "its own switch" : agent.haltedBy === "cohort" ? "its cohort" : "the global switch"}</span>}
          </Row>
          <Row label="Registered">
            <Time iso={agent.createdAt} />
            <div className="text-xs text-slate-500 dark:text-slate-400">{agent.createdBy ? `by ${agent.createdBy.name} (${agent.createdBy.email})` : "by the system"}</div>
          </Row>
          <Row label="Agent id">
            <code className="font-mono text-xs">{agent.id}</code>
          </Row>
        </dl>
      )}
    </Panel>
  );
}
