import type { Halted } from "@/lib/overview/index.ts";
import { count, listOf } from "../ui/count.ts";

/**
 * The overview's one-line account of the kill switches: "1 cohort halted", "1 cohort and
 * 2 agents halted", "everything is halted (and 1 cohort on its own)", "none halted".
 * Only switches that are set are named, with their counts in the right form.
 */
export function haltedHint(h: Pick<Halted, "global" | "cohorts" | "agents">): string {
  const own = listOf([h.cohorts.length ? count(h.cohorts.length, "cohort") : "", h.agents.length ? count(h.agents.length, "agent") : ""].filter(Boolean));
  if (h.global) return own ? `everything is halted (and ${own} on ${h.cohorts.length + h.agents.length === 1 ? "its" : "their"} own)` : "everything is halted";
  return own ? `${own} halted` : "none halted";
}
