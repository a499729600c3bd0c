import { prisma } from "../db/index.ts";
import { BusCache, CHANNEL } from "../events/index.ts";
import { compileCondition } from "./cel.ts";
import { compilePolicy, type CompiledPolicy } from "./evaluate.ts";
import { specOf } from "./present.ts";

export type ActivePolicies = { pre: CompiledPolicy[]; post: CompiledPolicy[]; loadedAt: number };

/**
 * Enabled policies, compiled once per version and kept per instance. Any instance's change
 * signals the others (NOTIFY warden_policies); the changing instance invalidates at once.
 */
async function loadPolicies(): Promise<ActivePolicies> {
  const rows = await prisma().policy.findMany({
    where: { enabled: true },
    include: { versions: { orderBy: { version: "desc" }, take: 1 } },
  });
  const compiled: CompiledPolicy[] = [];
  for (const p of rows) {
    const v = p.versions[0];
    if (!v) continue;
    const spec = specOf(p.name, v);
    if (compileCondition(spec.condition, spec.stage).ok) {
      compiled.push(compilePolicy({ policyId: p.id, versionId: v.id, version: v.version, spec }));
    } else {
      // Stored, yet no longer compiles (e.g. a CEL upgrade): its condition "errors" every
      // time, which fails closed for deny/require_approval.
      console.error(`[policies] ${p.name} v${v.version} does not compile; it will fail closed`);
      compiled.push({
        ...compilePolicy({ policyId: p.id, versionId: v.id, version: v.version, spec: { ...spec, condition: "true" } }),
        program: () => {
          throw new Error("the stored condition does not compile");
        },
      });
    }
  }
  compiled.sort((a, b) => b.spec.priority - a.spec.priority || a.spec.name.localeCompare(b.spec.name));
  return { pre: compiled.filter((p) => p.spec.stage === "pre"), post: compiled.filter((p) => p.spec.stage === "post"), loadedAt: Date.now() };
}

const KEY = Symbol.for("warden.policyCache");
type Holder = { [KEY]?: BusCache<ActivePolicies> };

export function policyCache(): BusCache<ActivePolicies> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BusCache(CHANNEL.policies, loadPolicies));
}

export function activePolicies(): Promise<ActivePolicies> {
  return policyCache().get();
}
