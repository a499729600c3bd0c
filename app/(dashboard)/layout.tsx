import { Nav, type NavItem } from "@/components/nav.tsx";
import { Providers } from "@/components/providers.tsx";
import { can } from "@/lib/auth/index.ts";
import { requirePrincipal } from "../session.ts";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const p = await requirePrincipal();
  const items: NavItem[] = [
    { href: "/", label: "Overview" },
    { href: "/agents", label: "Agents" },
    { href: "/approvals", label: "Approvals", badge: "pending" },
    { href: "/cohorts", label: "Cohorts" },
    { href: "/policies", label: "Policies" },
    { href: "/audit", label: "Audit" },
    ...(can(p.role, "users:write") ? [{ href: "/users", label: "Users" }] : []),
    { href: "/settings", label: "Settings" },
  ];
  return (
    <Providers>
      <div className="flex min-h-screen flex-col md:flex-row">
        <Nav items={items} user={{ name: p.name, email: p.email, role: p.role }} />
        <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
      </div>
    </Providers>
  );
}
