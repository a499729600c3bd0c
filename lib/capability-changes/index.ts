/**
 * Changing an agent's capability grants (lib/grants holds the rules). `setAgentCapabilities`
 * (admins, `agents:grant`) applies a change audited with before and after, exact across
 * instances like a halt (under HALT_LOCK, NOTIFY to every instance's identity cache). The
 * four-eyes rule: an owner's widening of their own agent waits as a request (`202`, a
 * CapabilityChange row) that another person confirms or rejects (`decideCapabilityChange`);
 * `grantCapabilities` is the seeder's direct write. Errors by code: `not_found`,
 * `forbidden`, `second_person_required`, `capability_change_decided`, `capabilities_changed`,
 * `validation_failed`.
 *
 * - set-capabilities.ts — the transitions above and their input schemas.
 * - changes.ts — how a change request is presented (`CapabilityChangeView`).
 */
export {
  setAgentCapabilities,
  grantCapabilities,
  decideCapabilityChange,
  listCapabilityChanges,
  capabilityDecisionSchema,
  listCapabilityChangesSchema,
  assertCanGrant,
  type SetCapabilitiesResult,
  type CapabilityDecision,
} from "./set-capabilities.ts";
export { type CapabilityChangeView } from "./changes.ts";
export { capabilityChangesApi } from "./openapi.ts";
