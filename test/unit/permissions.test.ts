import { describe, expect, it } from "vitest";
import { can, ROLES } from "../../lib/auth/permissions.ts";

describe("role permissions (API.md table)", () => {
  it("lets every role read", () => {
    for (const r of ROLES) expect(can(r, "read")).toBe(true);
  });
  it("lets operators and above register, edit and halt agents, but not viewers", () => {
    expect(can("viewer", "agents:write")).toBe(false);
    expect(can("viewer", "agents:halt")).toBe(false);
    for (const r of ["operator", "approver", "admin"] as const) {
      expect(can(r, "agents:write")).toBe(true);
      expect(can(r, "agents:halt")).toBe(true);
    }
  });
  it("reserves approving for approvers and admins", () => {
    expect(can("operator", "approvals:decide")).toBe(false);
    expect(can("approver", "approvals:decide")).toBe(true);
    expect(can("admin", "approvals:decide")).toBe(true);
  });
  it("reserves policies, users, tokens, settings and the global halt for admins", () => {
    for (const p of ["policies:write", "users:write", "tokens:write", "settings:write", "halt:global"] as const) {
      expect(can("approver", p)).toBe(false);
      expect(can("admin", p)).toBe(true);
    }
  });
});
