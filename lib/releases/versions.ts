import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import diff from "microdiff";
import { appendAuditEvents } from "../audit/index.ts";
import { pool, withPgTransaction, type SqlRunner } from "../db/index.ts";
import { notFound, WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { redactionKey, redactionSettings, redactorFor } from "../redaction/index.ts";
import type { RegisterVersionInput } from "./schemas.ts";

/** A version as the API shows it. */
export type VersionView = { version: string; config: Record<string, unknown>; notes: string; createdAt: string; createdBy: string; current: boolean };

type Row = { version: string; config: Record<string, unknown>; notes: string; created_at: Date; created_by: string; current: boolean; config_hash: string };

const view = (r: Row): VersionView => ({ version: r.version, config: r.config, notes: r.notes, createdAt: r.created_at.toISOString(), createdBy: r.created_by, current: r.current });

/** The agent's row for audit events (id, name, cohort); throws not_found. */
export async function agentForAudit(run: SqlRunner, agentId: string): Promise<{ id: string; name: string; cohort: string }> {
  const [a] = await run<{ id: string; name: string; cohort: string }>(`SELECT a.id, a.name, c.name AS cohort FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1`, [agentId]);
  if (!a) throw notFound("Agent");
  return a;
}

/** Serialises every release change of one agent (versions, rollouts, the job's transitions). */
export async function lockAgentReleases(run: SqlRunner, agentId: string): Promise<void> {
  await run(`SELECT pg_advisory_xact_lock(hashtextextended($1, 14))`, [`releases:${agentId}`]);
}

/** SHA-256 of the canonical JSON (RFC 8785) of a stored configuration. */
export function configHash(config: unknown): string {
  return createHash("sha256").update(canonicalize(config) ?? "").digest("hex");
}

/**
 * Registers an immutable version of an agent: its label and configuration document, PII
 * redacted by the detectors of lib/redaction before it is stored (as everything Warden keeps).
 * The agent's first version becomes its current one. Registering a label again with the same
 * (redacted) configuration answers the existing version (`created: false`).
 *
 * @throws not_found (agent), version_exists (the label is taken by another configuration)
 */
export async function registerVersion(opts: { agentId: string; input: RegisterVersionInput; actor: string; createdBy: string; createdById?: string | null }): Promise<{ version: VersionView; created: boolean }> {
  const { rules } = await redactionSettings();
  // Field rules name paths of input/context/output; a config gets the detectors.
  const config = redactorFor({ ...rules, fields: [] }, redactionKey()).document("input", opts.input.config) as Record<string, unknown>;
  const hash = configHash(config);
  return withPgTransaction(async (run) => {
    const agent = await agentForAudit(run, opts.agentId);
    await lockAgentReleases(run, agent.id);
    const [existing] = await run<Row>(`SELECT version, config, notes, created_at, created_by, current, config_hash FROM agent_versions WHERE agent_id = $1 AND version = $2`, [agent.id, opts.input.version]);
    if (existing) {
      if (existing.config_hash !== hash) throw new WardenError("version_exists", `Version ${opts.input.version} is already registered with another configuration; versions are immutable — register a new label`);
      return { version: view(existing), created: false };
    }
    const [row] = await run<Row>(
      `INSERT INTO agent_versions (id, agent_id, version, config, config_hash, notes, current, created_by_id, created_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, NOT EXISTS (SELECT 1 FROM agent_versions WHERE agent_id = $2 AND current), $7, $8)
       RETURNING version, config, notes, created_at, created_by, current, config_hash`,
      [newId("ver"), agent.id, opts.input.version, JSON.stringify(config), hash, opts.input.notes ?? "", opts.createdById ?? null, opts.createdBy],
    );
    await appendAuditEvents(run, [
      {
        actor: opts.actor,
        kind: "agent_version.registered",
        subject: `agent:${agent.id}`,
        agentId: agent.id,
        cohort: agent.cohort,
        data: { version: row!.version, configHash: hash, current: row!.current, notes: row!.notes },
      },
    ]);
    await run(notifySql, [CHANNEL.releases, agent.id]);
    return { version: view(row!), created: true };
  });
}

/** The agent's versions, newest first. @throws not_found */
export async function listVersions(agentId: string): Promise<VersionView[]> {
  const run: SqlRunner = async <T>(sql: string, params: unknown[]) => (await pool().query(sql, params)).rows as T[];
  await agentForAudit(run, agentId);
  const rows = await run<Row>(`SELECT version, config, notes, created_at, created_by, current, config_hash FROM agent_versions WHERE agent_id = $1 ORDER BY created_at DESC, id DESC`, [agentId]);
  return rows.map(view);
}

/** One change between two configurations: its JSON path and the values on each side. */
export type ConfigChange = { path: string; kind: "added" | "removed" | "changed"; from?: unknown; to?: unknown };

export type VersionDiff = {
  from: Omit<VersionView, "config">;
  to: Omit<VersionView, "config">;
  changes: ConfigChange[];
};

const pathOf = (p: (string | number)[]) => p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("") || "$";

/**
 * The difference between two versions of an agent: who registered each and when, and every
 * configuration path added, removed or changed (microdiff, deep, arrays by index).
 * @throws not_found (agent or either version)
 */
export async function diffVersions(agentId: string, from: string, to: string): Promise<VersionDiff> {
  const all = await listVersions(agentId);
  const a = all.find((v) => v.version === from);
  const b = all.find((v) => v.version === to);
  if (!a) throw notFound(`Version ${from}`);
  if (!b) throw notFound(`Version ${to}`);
  const changes: ConfigChange[] = diff(a.config, b.config).map((d) => {
    if (d.type === "CREATE") return { path: pathOf(d.path), kind: "added", to: d.value };
    if (d.type === "REMOVE") return { path: pathOf(d.path), kind: "removed", from: d.oldValue };
    return { path: pathOf(d.path), kind: "changed", from: d.oldValue, to: d.value };
  });
  const meta = (v: VersionView): Omit<VersionView, "config"> => ({ version: v.version, notes: v.notes, createdAt: v.createdAt, createdBy: v.createdBy, current: v.current });
  return { from: meta(a), to: meta(b), changes };
}
