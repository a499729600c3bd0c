import { z } from "zod";

/** A team's name, as policies' stages name it: like a cohort name. */
export const teamNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, '_' and '-', starting with a letter or digit");

const cohortName = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "a cohort name");

/**
 * `POST /api/teams` and `PUT /api/teams/{id}` (the whole team): its members (user ids; each
 * an approver or admin) and, optionally, the cohorts it is the default team of (where agents'
 * hand-offs go when no policy routes them).
 */
export const teamInputSchema = z.strictObject({
  name: teamNameSchema,
  description: z.string().trim().max(500).optional(),
  members: z
    .array(z.string().min(1).max(64))
    .max(500)
    .refine((m) => new Set(m).size === m.length, "each member once"),
  cohorts: z
    .array(cohortName)
    .max(100)
    .refine((c) => new Set(c).size === c.length, "each cohort once")
    .optional(),
});
export type TeamInput = z.infer<typeof teamInputSchema>;

/** PUT takes what GET returned: read-only fields are ignored, members may be given as objects with an id. */
const READ_ONLY = ["id", "createdAt", "updatedAt", "pending"];
export const teamUpdateSchema = z.preprocess((v) => {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  const o = Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.includes(k)));
  if (Array.isArray(o.members)) o.members = o.members.map((m: unknown) => (m && typeof m === "object" && "id" in m ? (m as { id: unknown }).id : m));
  return o;
}, teamInputSchema);
