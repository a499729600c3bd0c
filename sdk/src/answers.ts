// Checks that Warden's answers are what the API promises. Anything else is treated as Warden
// being unavailable: the SDK never acts on an answer it does not understand.
import { WardenUnavailable } from "./errors.ts";
import type { ActionAnswer, ActionStatus, Flag, Reason, Release, ResultAnswer, WhoAmI } from "./types.ts";

const DECISIONS = new Set(["allow", "deny", "pending"]);
const ALLOWED_STATUSES = new Set<string>(["allowed", "approved"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function malformed(what: string, status: number): WardenUnavailable {
  return new WardenUnavailable(`Warden's answer is not what the API promises: ${what}`, { code: "malformed_response", status });
}

function reasons(v: unknown, field: string, status: number): Reason[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every(isObject)) throw malformed(`${field} is not a list of objects`, status);
  return v.map((r) => ({ ...r, code: String(r.code ?? ""), message: typeof r.message === "string" ? r.message : "" }) as Reason);
}

/** A decision answer; `expectedId` guards against answers about another action. */
export function parseActionAnswer(v: unknown, httpStatus: number, expectedId?: string): ActionAnswer {
  if (!isObject(v)) throw malformed("not an object", httpStatus);
  if (typeof v.id !== "string" || v.id === "") throw malformed("no action id", httpStatus);
  if (expectedId !== undefined && v.id !== expectedId) throw malformed(`asked about ${expectedId}, got ${v.id}`, httpStatus);
  if (typeof v.decision !== "string" || !DECISIONS.has(v.decision)) throw malformed(`unknown decision ${JSON.stringify(v.decision)}`, httpStatus);
  if (typeof v.status !== "string") throw malformed("no status", httpStatus);
  // The one answer that lets an action run must be unambiguous.
  if (v.decision === "allow" && !ALLOWED_STATUSES.has(v.status)) throw malformed(`decision allow with status ${v.status}`, httpStatus);
  if (!Array.isArray(v.reasons)) throw malformed("no reasons", httpStatus);
  const answer: ActionAnswer = {
    ...v,
    id: v.id,
    decision: v.decision as ActionAnswer["decision"],
    status: v.status as ActionStatus,
    reasons: reasons(v.reasons, "reasons", httpStatus),
    shadow: reasons(v.shadow, "shadow", httpStatus),
  };
  if (typeof v.expiresAt === "string") answer.expiresAt = v.expiresAt;
  else delete answer.expiresAt;
  // What the agent must act on can't be half-understood.
  if (v.approvedInput !== undefined && !isObject(v.approvedInput)) throw malformed("approvedInput is not an object", httpStatus);
  if (v.approvedChanges !== undefined && !(Array.isArray(v.approvedChanges) && v.approvedChanges.every((c) => isObject(c) && typeof c.path === "string" && c.path.startsWith("input.")))) {
    throw malformed("approvedChanges is not a list of {path: input.…}", httpStatus);
  }
  return answer;
}

export function parseResultAnswer(v: unknown, httpStatus: number, actionId: string): ResultAnswer {
  if (!isObject(v)) throw malformed("not an object", httpStatus);
  const flags = Array.isArray(v.flags) ? v.flags.filter(isObject).map((f) => ({ ...f, message: typeof f.message === "string" ? f.message : "" }) as Flag) : [];
  return { id: typeof v.id === "string" ? v.id : actionId, flags };
}

export function parseWhoAmI(v: unknown, httpStatus: number): WhoAmI {
  if (!isObject(v)) throw malformed("not an object", httpStatus);
  for (const k of ["id", "name", "cohort", "status"] as const) if (typeof v[k] !== "string") throw malformed(`no ${k}`, httpStatus);
  return { ...v, owner: typeof v.owner === "string" ? v.owner : "" } as WhoAmI;
}

export function parseRelease(v: unknown, httpStatus: number): Release {
  if (!isObject(v)) throw malformed("not an object", httpStatus);
  if (v.version !== null && typeof v.version !== "string") throw malformed("no version", httpStatus);
  if (v.config !== null && !isObject(v.config)) throw malformed("config is not an object", httpStatus);
  const num = (x: unknown) => (typeof x === "number" ? x : null);
  return { version: v.version, config: v.config, rollout: typeof v.rollout === "string" ? v.rollout : null, step: num(v.step), share: num(v.share) };
}
