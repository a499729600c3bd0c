import { can, ROLES, type Permission, type RoleName } from "./permissions.ts";

/** The roles holding `permission`, lowest first (from the one role table, permissions.ts). */
export function rolesWith(permission: Permission): RoleName[] {
  return ROLES.filter((r) => can(r, permission));
}

/**
 * Why a control is missing or read-only, in words, for a role that lacks `permission`:
 * "Approving or rejecting needs the approver or admin role; you are signed in as operator."
 * Null when the role has it. `doing` is what the permission allows, capitalised ("Editing
 * policies").
 */
export function roleNote(permission: Permission, role: RoleName, doing: string): string | null {
  if (can(role, permission)) return null;
  const roles = rolesWith(permission);
  const names = roles.length > 1 ? `${roles.slice(0, -1).join(", ")} or ${roles[roles.length - 1]!}` : (roles[0] ?? "admin");
  return `${doing} needs the ${names} role; you are signed in as ${role}.`;
}
