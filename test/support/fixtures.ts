import { randomBytes } from "node:crypto";
import type { RoleName } from "../../lib/auth/index.ts";
import { createApiToken, issueLoginToken } from "../../lib/tokens/index.ts";
import { createUser } from "../../lib/users/index.ts";

export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

/** A user of the given role with a short-lived API token, as a script would hold. */
export async function userWithToken(role: RoleName, password = "correct horse battery staple") {
  const email = `${unique(role)}@test.example`;
  const { user } = await createUser({ input: { email, name: `Test ${role}`, role, password }, actor: "system" });
  const principal = { userId: user.id, email, name: user.name, role, via: "token" as const };
  const { token } = await issueLoginToken(principal);
  return { user, principal, token, password };
}

export async function adminPersonalToken() {
  const admin = await userWithToken("admin");
  const { token } = await createApiToken({ principal: admin.principal, input: { name: "ci" } });
  return { ...admin, token };
}

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a Next.js route handler the way the framework would. */
export async function call(
  handler: Handler,
  opts: { method?: string; path?: string; token?: string; body?: unknown; rawBody?: string; params?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { host: "localhost:3000", ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const req = new Request(`http://localhost:3000${opts.path ?? "/api/x"}`, { method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as any, text, headers: res.headers };
}
