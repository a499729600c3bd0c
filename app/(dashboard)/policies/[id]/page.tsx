import { PolicyEditor, PolicyToggle } from "@/components/policy-editor.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { VersionHistory } from "@/components/version-diff.tsx";
import { can, roleNote } from "@/lib/auth/index.ts";
import { getPolicy } from "@/lib/policies/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";
import { actorLabels } from "../../actor-labels.ts";

export const metadata = { title: "Policy" };

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const p = await requirePrincipal();
  const { id } = await params;
  const policy = await orNotFound(getPolicy(id));
  const canWrite = can(p.role, "policies:write");
  const { versions, enabled, version } = policy;
  const labels = await actorLabels((versions ?? []).flatMap((v) => (v.createdBy ? [`user:${v.createdBy}`] : [])));
  const draft = { name: policy.name, description: policy.description, stage: policy.stage, effect: policy.effect, mode: policy.mode, target: policy.target, condition: policy.condition, priority: policy.priority, message: policy.message, ...(policy.approval ? { approval: policy.approval } : {}) };
  return (
    <>
      <PageHeader
        title={<span className="flex flex-wrap items-center gap-x-3 gap-y-1 break-all">{policy.name} <Badge tone={enabled ? "green" : "gray"}>{enabled ? "enabled" : "disabled"}</Badge> <Badge>v{version}</Badge></span>}
        subtitle={policy.description}
        actions={canWrite ? <PolicyToggle id={policy.id} enabled={enabled} /> : null}
      />
      <PolicyEditor key={version} policyId={policy.id} canWrite={canWrite} readOnlyNote={roleNote("policies:write", p.role, "Editing policies")} initial={draft} />
      <Panel title="Versions" className="mt-6">
        <VersionHistory versions={versions ?? []} labels={labels} />
      </Panel>
    </>
  );
}
