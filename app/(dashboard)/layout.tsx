import { HaltBanner } from "@/components/halt-banner.tsx";
import { Nav, type NavItem } from "@/components/nav.tsx";
import { Providers } from "@/components/providers.tsx";
import { can } from "@/lib/auth/index.ts";
import { haltSummary } from "@/lib/killswitch/index.ts";
import { requirePrincipal } from "../session.ts";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const p = await requirePrincipal();
  const halts = await haltSummary();
  // Controls a role can't use are left out, not greyed out (the server refuses them anyway).
  const items: NavItem[] = [
    { href: "/", label: "Overview", icon: "overview" },
    { href: "/agents", label: "Agents", icon: "agents" },
    { href: "/approvals", label: "Approvals", icon: "approvals", badge: "pending" },
    { href: "/cohorts", label: "Cohorts", icon: "cohorts" },
    { href: "/containment", label: "Containment", icon: "containment" },
    { href: "/policies", label: "Policies", icon: "policies" },
    { href: "/knowledge", label: "Knowledge", icon: "knowledge" },
    { href: "/audit", label: "Audit", icon: "audit" },
    ...(can(p.role, "users:write") ? [{ href: "/users", label: "Users", icon: "users" } as const, { href: "/teams", label: "Teams", icon: "teams" } as const] : []),
    { href: "/settings", label: "Settings", icon: "settings" },
  ];
  return (
    <Providers>
      <div className="flex min-h-screen flex-col md:flex-row">
        <Nav items={items} user={{ name: p.name, email: p.email, role: p.role }} />
        <div className="flex min-w-0 flex-1 flex-col">
          {/* On every page, above its content: a global halt can't be missed. */}
          <HaltBanner initial={halts} canResume={can(p.role, "halt:global")} />
          <main className="min-w-0 flex-1">
            <div className="mx-auto max-w-7xl px-4 py-6 md:px-8 md:py-8">{children}</div>
          </main>
        </div>
      </div>
    </Providers>
  );
}
