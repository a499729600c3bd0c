import { roleFromDb, type RoleName } from "../auth/index.ts";

export type UserView = {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  disabled: boolean;
  /** An admin reset the password: the user must set a new one at next sign-in. */
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
};

export function presentUser(u: {
  id: string;
  email: string;
  name: string;
  role: "VIEWER" | "OPERATOR" | "EDITOR" | "APPROVER" | "ADMIN";
  disabledAt: Date | null;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: roleFromDb(u.role),
    disabled: u.disabledAt !== null,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
