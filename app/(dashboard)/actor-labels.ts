import type { ActorLabels } from "@/components/ui/actor.tsx";
import { actorDirectory } from "@/lib/users/index.ts";

/**
 * Readable names for the user:…, agent:… and policy:… strings in the audit log and in records
 * that name their author by id — the one resolver every page uses (lib/users actorDirectory).
 * `refs`: only these (a page that knows what it shows); none: everyone (feeds that page on).
 */
export async function actorLabels(refs?: Iterable<string>): Promise<ActorLabels> {
  return actorDirectory(refs);
}
