import { z } from "zod";
import { nameRegExp, type NameRule } from "./name-rule.ts";

/** The rule of a cohort's name (and of globs over cohort names). */
export const COHORT_NAME: NameRule = { first: "a-z0-9", rest: "a-z0-9_-", min: 2, max: 48 };

/** A cohort's name (agents, knowledge readers, teams, budgets and breakers name cohorts with it). */
export const cohortNameSchema = z
  .string()
  .trim()
  .min(COHORT_NAME.min)
  .max(COHORT_NAME.max)
  .regex(nameRegExp(COHORT_NAME), "lowercase letters, digits, '_' and '-', starting with a letter or digit");

// An accountable person (e-mail) or team name.
export const ownerSchema = z
  .string()
  .trim()
  .min(2)
  .max(120)
  .regex(/^[^\s<>"']+(?: [^\s<>"']+)*$/, "an e-mail address or team name");
