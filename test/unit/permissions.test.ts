import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES } from "../../lib/auth/permissions.ts";

describe("role permissions (API.md table)", () => {
  it("lets every role read", () => {
    for (const r of ROLES) expect(can(r, "read")).toBe(true);
  });
  it("lets operators and above register, edit and halt agents, but not viewers", () => {
    expect(can("viewer", "agents:write")).toBe(false);
    expect(can("viewer", "agents:halt")).toBe(false);
    for (const r of ["operator", "editor", "approver", "admin"] as const) {
      expect(can(r, "agents:write")).toBe(true);
      expect(can(r, "agents:halt")).toBe(true);
    }
  });
  it("reserves approving for approvers and admins", () => {
    expect(can("operator", "approvals:decide")).toBe(false);
    expect(can("editor", "approvals:decide")).toBe(false);
    expect(can("approver", "approvals:decide")).toBe(true);
    expect(can("admin", "approvals:decide")).toBe(true);
  });
  it("reserves policies, users, tokens, settings and the global halt for admins", () => {
    for (const p of ["policies:write", "users:write", "tokens:write", "settings:write", "halt:global"] as const) {
      expect(can("approver", p)).toBe(false);
      expect(can("admin", p)).toBe(true);
    }
  });

  it("lets editors and above propose knowledge changes; approvers and admins approve them; admins manage sets", () => {
    for (const r of ["viewer", "operator"] as const) expect(can(r, "knowledge:propose")).toBe(false);
    for (const r of ["editor", "approver", "admin"] as const) expect(can(r, "knowledge:propose")).toBe(true);
    for (const r of ["viewer", "operator", "editor"] as const) expect(can(r, "knowledge:approve")).toBe(false);
    for (const r of ["approver", "admin"] as const) expect(can(r, "knowledge:approve")).toBe(true);
    for (const r of ["viewer", "operator", "editor", "approver"] as const) expect(can(r, "knowledge:manage")).toBe(false);
    expect(can("admin", "knowledge:manage")).toBe(true);
  });
  it("orders the editor role between operator and approver, each role holding the rights of those before it", () => {
    expect(ROLES).toEqual(["viewer", "operator", "editor", "approver", "admin"]);
    // Every permission, every step up the ladder (a merge once left editors without the
    // operators' budgets and breakers).
    for (let i = 1; i < ROLES.length; i++) {
      for (const p of PERMISSIONS) if (can(ROLES[i - 1]!, p)) expect(can(ROLES[i]!, p), `${ROLES[i]} lacks ${p}, which ${ROLES[i - 1]} has`).toBe(true);
    }
  });
});
