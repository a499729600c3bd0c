import { can, type Permission } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";

const ALL: Permission[] = ["read", "agents:write", "agents:halt", "approvals:decide", "policies:write", "users:write", "settings:write", "halt:global", "tokens:write"];

export const GET = route({
  permission: "read",
  duringPasswordChange: true,
  handler: async ({ principal }) => ({
    user: { id: principal.userId, email: principal.email, name: principal.name, role: principal.role, mustChangePassword: principal.mustChangePassword === true },
    permissions: ALL.filter((p) => can(principal.role, p)),
  }),
});
