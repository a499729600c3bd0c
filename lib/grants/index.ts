/**
 * Capability grants (least privilege). An agent may carry `capabilities`: action globs, each
 * optionally narrowed to resource globs. With grants, an action outside them is denied with
 * reason `not_granted` before any policy runs (lib/decisions checks it on the cached identity
 * and again, authoritatively, inside the decision transaction under HALT_LOCK). Without
 * (null), the agent is *unrestricted* and shown amber everywhere; [] grants nothing.
 *
 * - schema.ts — the shape and glob rules (400 on an invalid glob), `capabilitiesOf` (stored →
 *   value, malformed → nothing granted).
 * - match.ts — `isGranted(caps, action, resource)`, globs compiled once per value.
 * - widening.ts — whether a change widens what an agent may do (`globCovers`).
 *
 * Pure rules only (no database), so the agent registry can use them; changing an agent's grants
 * (audited, four eyes) is lib/capability-changes.
 */
export { capabilitySchema, capabilitiesSchema, capabilitiesOf, MAX_GRANTS, type Capability, type Capabilities } from "./schema.ts";
export { isGranted, compileGrants, globToRegExp } from "./match.ts";
export { globCovers, wideningOf } from "./widening.ts";
export { notGrantedReason } from "./reason.ts";
export { capabilityChangeViewSchema } from "./change-schema.ts";
