import { z } from "zod";

/** A cohort's name (agents, knowledge readers, teams, budgets and breakers name cohorts with it). */
export const cohortNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, '_' and '-', starting with a letter or digit");

// An accountable person (e-mail) or team name.
export const ownerSchema = z
  .string()
  .trim()
  .min(2)
  .max(120)
  .regex(/^[^\s<>"']+(?: [^\s<>"']+)*$/, "an e-mail address or team name");
