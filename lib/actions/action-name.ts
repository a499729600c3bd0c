import { z } from "zod";
import { nameGlobSchema, nameRegExp, type NameRule } from "../validation/index.ts";

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
