import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { can, principalFromCookies, type Permission, type Principal } from "@/lib/auth/index.ts";

/** The signed-in user for a page, or a redirect to sign-in. */
export async function requirePrincipal(): Promise<Principal> {
  const jar = await cookies();
  const p = await principalFromCookies(jar.toString());
  if (!p) redirect("/login");
  return p;
}

/** As requirePrincipal, and the page needs this permission (else it shows the forbidden page). */
export async function requirePermission(permission: Permission): Promise<Principal> {
  const p = await requirePrincipal();
  if (!can(p.role, permission)) redirect("/forbidden");
  return p;
}
