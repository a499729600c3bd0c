import { pool } from "../db/index.ts";
import { bus, CHANNEL } from "../events/index.ts";

/** One registered version, as the data plane needs it. */
export type CachedVersion = { version: string; config: Record<string, unknown>; configHash: string };

/** The running or paused rollout of an agent, as assignment needs it. */
export type ActiveRollout = { id: string; candidate: string; baseline: string; step: number; share: number; status: "running" | "paused" };

/** What an instance knows of one agent's releases. */
export type ReleaseState = { agentId: string; versions: Map<string, CachedVersion>; current: string | null; rollout: ActiveRollout | null };

// Safety net for a missed NOTIFY: state is at most this old even without signals.
const TTL_MS = 5_000;
const MAX_AGENTS = 50_000;

type Entry = { state: ReleaseState; at: number; generation: number };

/**
 * Per-instance cache of each agent's versions, current version and active rollout, for the
 * data plane's hot paths (`GET /v1/agent/release`, `version` on `POST /v1/actions`). Dropped
 * per agent by a NOTIFY on CHANNEL.releases from any instance (a rollback reaches every
 * instance within the round trip of a notification), and at most 5 s old regardless.
 */
class ReleaseCache {
  private entries = new Map<string, Entry>();
  private loading = new Map<string, Promise<ReleaseState>>();
  private generation = 0;
  private subscribed = false;

  invalidate(agentId?: string) {
    this.generation++;
    if (agentId) this.entries.delete(agentId);
    else this.entries.clear();
  }

  async get(agentId: string, fresh = false): Promise<ReleaseState> {
    if (!this.subscribed) {
      this.subscribed = true;
      bus().subscribe(CHANNEL.releases, (id) => this.invalidate(id || undefined));
      bus().subscribe("resync", () => this.invalidate());
    }
    const hit = this.entries.get(agentId);
    if (!fresh && hit && Date.now() - hit.at < TTL_MS) return hit.state;
    let p = this.loading.get(agentId);
    if (!p) {
      const generation = this.generation;
      p = load(agentId)
        .then((state) => {
          if (this.entries.size >= MAX_AGENTS) this.entries.clear();
          // A load that started before an invalidation is served once but not kept.
          if (generation === this.generation) this.entries.set(agentId, { state, at: Date.now(), generation });
          return state;
        })
        .finally(() => this.loading.delete(agentId));
      this.loading.set(agentId, p);
    }
    return p;
  }
}

async function load(agentId: string): Promise<ReleaseState> {
  const [versions, rollouts] = await Promise.all([
    pool().query<{ version: string; config: Record<string, unknown>; config_hash: string; current: boolean }>(`SELECT version, config, config_hash, current FROM agent_versions WHERE agent_id = $1`, [agentId]),
    pool().query<{ id: string; candidate: string; baseline: string; step: number; steps: number[]; status: "RUNNING" | "PAUSED" }>(
      `SELECT id, candidate, baseline, step, steps, status FROM rollouts WHERE agent_id = $1 AND status IN ('RUNNING', 'PAUSED') ORDER BY created_at DESC LIMIT 1`,
      [agentId],
    ),
  ]);
  const r = rollouts.rows[0];
  return {
    agentId,
    versions: new Map(versions.rows.map((v) => [v.version, { version: v.version, config: v.config, configHash: v.config_hash }])),
    current: versions.rows.find((v) => v.current)?.version ?? null,
    rollout: r ? { id: r.id, candidate: r.candidate, baseline: r.baseline, step: r.step, share: r.steps[r.step - 1] ?? 0, status: r.status === "RUNNING" ? "running" : "paused" } : null,
  };
}

const KEY = Symbol.for("warden.releaseCache");
type Holder = { [KEY]?: ReleaseCache };

export function releaseCache(): ReleaseCache {
  const g = globalThis as Holder;
  return (g[KEY] ??= new ReleaseCache());
}
