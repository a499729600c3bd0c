import { Prisma } from "../db/index.ts";
import type { PolicySpec } from "./types.ts";

type VersionRow = {
  id: string;
  version: number;
  description: string;
  stage: "PRE" | "POST";
  effect: "DENY" | "REQUIRE_APPROVAL" | "ALLOW" | "FLAG";
  mode: "ENFORCE" | "SHADOW";
  targetCohorts: string[];
  targetAgents: string[];
  targetActions: string[];
  targetVersions: string[];
  condition: string;
  priority: number;
  message: string;
  approvalQuorum: number | null;
  approvalTimeoutSeconds: number | null;
  approvalStages: unknown;
  approvalFallbackTeam: string | null;
  approvalEditable: string[];
  createdById: string | null;
  createdAt: Date;
};

export type PolicyVersionView = PolicySpec & { id: string; version: number; createdBy: string | null; createdAt: string };

export type PolicyView = PolicySpec & {
  id: string;
  enabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  versions?: PolicyVersionView[];
};

export function specOf(name: string, v: VersionRow): PolicySpec {
  return {
    name,
    description: v.description,
    stage: v.stage.toLowerCase() as PolicySpec["stage"],
    effect: v.effect.toLowerCase() as PolicySpec["effect"],
    mode: v.mode.toLowerCase() as PolicySpec["mode"],
    target: { cohorts: v.targetCohorts, agents: v.targetAgents, actions: v.targetActions, versions: v.targetVersions },
    condition: v.condition,
    priority: v.priority,
    message: v.message,
    ...(v.approvalQuorum !== null ? { approval: approvalOf(v) } : {}),
  };
}

type Approval = NonNullable<PolicySpec["approval"]>;

// Only what was given: a single-stage policy reads back as {quorum, timeoutSeconds}, as before.
function approvalOf(v: VersionRow): Approval {
  const a: Approval = { quorum: v.approvalQuorum ?? 1, timeoutSeconds: v.approvalTimeoutSeconds ?? 3600 };
  if (Array.isArray(v.approvalStages) && v.approvalStages.length) a.stages = v.approvalStages as Approval["stages"];
  if (v.approvalFallbackTeam) a.fallbackTeam = v.approvalFallbackTeam;
  if (v.approvalEditable.length) a.editable = v.approvalEditable;
  return a;
}

export function versionData(spec: PolicySpec) {
  return {
    description: spec.description,
    stage: spec.stage.toUpperCase() as VersionRow["stage"],
    effect: spec.effect.toUpperCase() as VersionRow["effect"],
    mode: spec.mode.toUpperCase() as VersionRow["mode"],
    targetCohorts: spec.target.cohorts,
    targetAgents: spec.target.agents,
    targetActions: spec.target.actions,
    targetVersions: spec.target.versions,
    condition: spec.condition,
    priority: spec.priority,
    message: spec.message,
    approvalQuorum: spec.effect === "require_approval" ? (spec.approval?.quorum ?? 1) : null,
    approvalTimeoutSeconds: spec.effect === "require_approval" ? (spec.approval?.timeoutSeconds ?? 3600) : null,
    approvalStages: spec.effect === "require_approval" && spec.approval?.stages ? (spec.approval.stages as Prisma.InputJsonValue) : Prisma.DbNull,
    approvalFallbackTeam: spec.effect === "require_approval" ? (spec.approval?.fallbackTeam ?? null) : null,
    approvalEditable: spec.effect === "require_approval" ? (spec.approval?.editable ?? []) : [],
  };
}

export function presentVersion(name: string, v: VersionRow): PolicyVersionView {
  return { ...specOf(name, v), id: v.id, version: v.version, createdBy: v.createdById, createdAt: v.createdAt.toISOString() };
}

export function presentPolicy(
  p: { id: string; name: string; enabled: boolean; version: number; createdAt: Date; updatedAt: Date },
  current: VersionRow,
  versions?: VersionRow[],
): PolicyView {
  return {
    id: p.id,
    ...specOf(p.name, current),
    enabled: p.enabled,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    ...(versions ? { versions: versions.map((v) => presentVersion(p.name, v)) } : {}),
  };
}
