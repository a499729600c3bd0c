import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { can, principalFromCookies, type Permission, type Principal } from "@/lib/auth/index.ts";
import { WardenError } from "@/lib/http/index.ts";

/**
 * The signed-in user for a page, or a redirect to sign-in that comes back here afterwards.
 * A user signed in with a temporary password (an admin's reset) is sent to set a new one first.
 */
export async function requirePrincipal(): Promise<Principal> {
  const p = await requireSignedIn();
  if (p.mustChangePassword) redirect("/change-password");
  return p;
}

/** As requirePrincipal, but lets a user who must change their password through (the page where they do). */
export async function requireSignedIn(): Promise<Principal> {
  const jar = await cookies();
  const p = await principalFromCookies(jar.toString());
  if (!p) {
    // Set by proxy.ts; the login form only follows same-site paths (safeTarget).
    const path = (await headers()).get("x-warden-path");
    redirect(path && path !== "/" && path.startsWith("/") && !path.startsWith("//") ? `/login?${new URLSearchParams({ callbackUrl: path })}` : "/login");
  }
  return p;
}

/** As requirePrincipal, and the page needs this permission (else it shows the forbidden page). */
export async function requirePermission(permission: Permission): Promise<Principal> {
  const p = await requirePrincipal();
  if (!can(p.role, permission)) redirect("/forbidden");
  return p;
}

/** The record a page shows, or the not-found page when lib/ says it doesn't exist. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (e) {
    if (e instanceof WardenError && e.code === "not_found") notFound();
    throw e;
  }
}
