import { z } from "zod";
import { auditTx } from "../audit/index.ts";
import { roleFromDb, type Principal } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { forbidden, notFound } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { hashSecret, issueSecret } from "../secrets/index.ts";

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  // Days until it expires; none = until revoked.
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const LOGIN_TOKEN_HOURS = 12;

export type TokenView = {
  id: string;
  name: string;
  kind: "personal" | "login";
  prefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

type TokenRow = { id: string; name: string; kind: "PERSONAL" | "LOGIN"; prefix: string; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null; createdAt: Date };

function present(t: TokenRow): TokenView {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind === "PERSONAL" ? "personal" : "login",
    prefix: t.prefix,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

async function issue(userId: string, name: string, kind: "PERSONAL" | "LOGIN", expiresAt: Date | null, actor: string) {
  const s = issueSecret("wdt");
  return prisma().$transaction(async (tx) => {
    const t = await tx.apiToken.create({
      data: { id: newId("tok"), userId, name, kind, prefix: s.prefix, tokenHash: s.hash, expiresAt },
    });
    await auditTx(tx, {
      actor,
      kind: "token.created",
      subject: `token:${t.id}`,
      data: { userId, name, kind: kind.toLowerCase(), prefix: s.prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { token: s.secret, ...present(t) };
  });
}

/** A personal API token for scripts and CI; the secret is returned once, stored as a hash. */
export function createApiToken({ principal, input }: { principal: Principal; input: CreateTokenInput }) {
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return issue(principal.userId, input.name, "PERSONAL", expiresAt, `user:${principal.userId}`);
}

/** The short-lived token `POST /api/login` hands to command-line tools. */
export function issueLoginToken(principal: Principal) {
  return issue(principal.userId, "command-line login", "LOGIN", new Date(Date.now() + LOGIN_TOKEN_HOURS * 3_600_000), `user:${principal.userId}`);
}

export async function listApiTokens(userId: string): Promise<TokenView[]> {
  const rows = await prisma().apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(present);
}

/** Revokes one of the caller's tokens (admins may revoke anyone's). */
export async function revokeApiToken({ tokenId, principal }: { tokenId: string; principal: Principal }): Promise<TokenView> {
  return prisma().$transaction(async (tx) => {
    const t = await tx.apiToken.findUnique({ where: { id: tokenId } });
    if (!t) throw notFound("Token");
    if (t.userId !== principal.userId && principal.role !== "admin") throw forbidden("You can only revoke your own tokens");
    if (t.revokedAt) return present(t);
    const after = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
    await auditTx(tx, { actor: `user:${principal.userId}`, kind: "token.revoked", subject: `token:${t.id}`, data: { userId: t.userId, name: t.name, prefix: t.prefix } });
    return present(after);
  });
}

/** Resolves `Authorization: Bearer wdt_…` to the user it acts for, or null. */
export async function authenticateApiToken(secret: string): Promise<Principal | null> {
  if (!secret.startsWith("wdt_") || secret.length > 100) return null;
  const t = await prisma().apiToken.findUnique({ where: { tokenHash: hashSecret(secret) }, include: { user: true } });
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= new Date()) || t.user.disabledAt) return null;
  // Last-used is informational; don't write it more than once a minute per token.
  if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) {
    void prisma().apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
  }
  return { userId: t.user.id, email: t.user.email, name: t.user.name, role: roleFromDb(t.user.role), via: "token", tokenId: t.id };
}
