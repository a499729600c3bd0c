import { z } from "zod";
import { nameGlobSchema, nameRegExp, type NameRule } from "./name-rule.ts";

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

/** Agent names: 2–64 of `a-z 0-9 . _ -`, starting with a letter or digit. */
export const AGENT_NAME: NameRule = { first: "a-z0-9", rest: "a-z0-9._-", min: 2, max: 64 };

/**
 * Globs over agents (policy targets): they match an agent's name or its id (`agt_…`, lower-case
 * letters and digits, itself a valid name), so the name rule decides what can match.
 */
export const agentGlobSchema = nameGlobSchema(AGENT_NAME, "agent");
/** Globs over cohort names (policy targets). */
export const cohortGlobSchema = nameGlobSchema(COHORT_NAME, "cohort");

/** Action names (`pricing.set_price`, `mcp.fs.write_file`): 1–128 of `a-z 0-9 _ . : -`, case-sensitive (API.md). */
export const ACTION_NAME: NameRule = { first: "a-z0-9_.:-", rest: "a-z0-9_.:-", min: 1, max: 128 };

/** An action name as agents send it (`POST /v1/actions`). */
export const actionNameSchema = z.string().regex(nameRegExp(ACTION_NAME), "1–128 characters of a-z 0-9 _ . : -");

/**
 * A glob over action names (`pricing.*`, `mcp.fs.*`): what policy targets — and anything else
 * that scopes by action (budgets, grants) — take. A glob no action name can match (upper case,
 * a character outside the alphabet) is refused, never stored to silently apply to nothing.
 */
export const actionGlobSchema = nameGlobSchema(ACTION_NAME, "action");
