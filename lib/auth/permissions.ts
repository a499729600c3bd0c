/** Roles as the API spells them, lowest first. */
export const ROLES = ["viewer", "operator", "editor", "approver", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

/** Every permission a role can hold (the API.md role table). */
export const PERMISSIONS = [
  "read", // agents, cohorts, policies, audit, queue
  "agents:write", // register/edit agents, rotate keys
  "agents:halt", // halt/resume agents and cohorts
  "approvals:decide",
  "policies:write",
  "users:write",
  "settings:write",
  "halt:global",
  "tokens:write", // personal API tokens (API.md: admin); anyone may get a short-lived login token
  "knowledge:propose", // draft changes to knowledge sets (editor and above)
  "knowledge:approve", // approve (publish) or reject someone else's draft
  "knowledge:manage", // create knowledge sets, change their schema, readers and freshness
  "budgets:write", // create, change and remove budgets
  "breakers:write", // create, change, remove and reset circuit breakers
  "agents:grant", // set agents' capability grants
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<RoleName, readonly Permission[]> = {
  viewer: ["read"],
  operator: ["read", "agents:write", "agents:halt", "budgets:write", "breakers:write"],
  editor: ["read", "agents:write", "agents:halt", "budgets:write", "breakers:write", "knowledge:propose"],
  approver: ["read", "agents:write", "agents:halt", "knowledge:propose", "approvals:decide", "knowledge:approve", "budgets:write", "breakers:write"],
  admin: ["read", "agents:write", "agents:halt", "knowledge:propose", "approvals:decide", "knowledge:approve", "policies:write", "users:write", "settings:write", "halt:global", "tokens:write", "knowledge:manage", "budgets:write", "breakers:write", "agents:grant"],
};

/** The one permission check, used by API routes (403) and the UI (hide the control). */
export function can(role: RoleName, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function roleFromDb(role: "VIEWER" | "OPERATOR" | "EDITOR" | "APPROVER" | "ADMIN"): RoleName {
  return role.toLowerCase() as RoleName;
}

export function roleToDb(role: RoleName): "VIEWER" | "OPERATOR" | "EDITOR" | "APPROVER" | "ADMIN" {
  return role.toUpperCase() as "VIEWER" | "OPERATOR" | "EDITOR" | "APPROVER" | "ADMIN";
}
