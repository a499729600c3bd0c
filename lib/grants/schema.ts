import { z } from "zod";

/** One grant: an action glob, optionally narrowed to resource globs (absent = any resource). */
export type Capability = { action: string; resources?: string[] };
/** An agent's grants: null = unrestricted, [] = nothing granted. */
export type Capabilities = Capability[] | null;

export const MAX_GRANTS = 200;
export const MAX_RESOURCE_GLOBS = 50;

// Actions are [a-z0-9_.:-]{1,128} (API.md); a grant's action is that with `*` as a wildcard.
const actionGlob = z
  .string()
  .min(1, "an action glob can't be empty")
  .max(128, "at most 128 characters")
  .regex(/^[a-z0-9_.:*-]+$/, "an action glob is lowercase letters, digits, _ . : - and * as a wildcard");

// Resources are any string ≤ 256; a resource glob is that with `*` as a wildcard, without
// control characters or surrounding spaces (a typo that would never match).
const resourceGlob = z
  .string()
  .min(1, "a resource glob can't be empty")
  .max(256, "at most 256 characters")
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "a resource glob can't contain control characters")
  .refine((s) => s.trim() === s, "a resource glob can't start or end with spaces");

export const capabilitySchema = z.strictObject({
  action: actionGlob,
  resources: z.array(resourceGlob).min(1, "omit resources to grant the action on any resource").max(MAX_RESOURCE_GLOBS, `at most ${MAX_RESOURCE_GLOBS} resource globs per grant`).optional(),
});

/** `capabilities` as PATCH /api/agents/{id} takes it: null (unrestricted) or a list of grants. */
export const capabilitiesSchema = z.array(capabilitySchema).max(MAX_GRANTS, `at most ${MAX_GRANTS} grants`).nullable();

/** A stored value (jsonb) as Capabilities; anything malformed counts as "nothing granted" (fail closed). */
export function capabilitiesOf(stored: unknown): Capabilities {
  if (stored === null || stored === undefined) return null;
  const parsed = capabilitiesSchema.safeParse(stored);
  return parsed.success ? parsed.data : [];
}
