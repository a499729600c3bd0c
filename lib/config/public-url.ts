/**
 * The dashboard's public base URL, for links that leave Warden (webhook messages):
 * `WARDEN_PUBLIC_URL`, else `NEXTAUTH_URL`, else `http://localhost:$PORT`. No trailing slash.
 */
export function publicUrl(env: Record<string, string | undefined> = process.env): string {
  const raw = env.WARDEN_PUBLIC_URL || env.NEXTAUTH_URL || `http://localhost:${env.PORT || 3000}`;
  return raw.replace(/\/+$/, "");
}

/** The dashboard page where people decide on one pending action. */
export function approvalLink(actionId: string, env?: Record<string, string | undefined>): string {
  return `${publicUrl(env)}/approvals/${encodeURIComponent(actionId)}`;
}
