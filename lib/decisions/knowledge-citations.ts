import { checkCitations, type CitationFlag } from "../knowledge/index.ts";
import { knowledgeCitationsSchema } from "./schemas.ts";

/**
 * Flags for the knowledge versions an action cites in `context.knowledge` that were never
 * published or were already superseded when it was asked (lib/knowledge checkCitations). A
 * flag, not a reason: it doesn't change the decision (a policy can, e.g.
 * `context.knowledge.exists(k, k.set == "price-floors")`); it marks the action for review, is
 * stored with the action (`flags`, like post-check flags) and recorded in `action.decided`.
 */
export async function citedKnowledgeFlags(context: Record<string, unknown>): Promise<CitationFlag[]> {
  if (context.knowledge === undefined) return [];
  const cited = knowledgeCitationsSchema.safeParse(context.knowledge);
  // The request schema refused malformed citations already.
  return cited.success ? checkCitations(cited.data) : [];
}
