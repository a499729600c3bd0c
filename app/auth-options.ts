import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { SESSION_MAX_AGE_SECONDS, startSession } from "@/lib/auth/index.ts";
import { oidcConfigured, readEnv } from "@/lib/config/index.ts";
import { clientIpFromHeaders, WardenError } from "@/lib/http/index.ts";
import { signInWithOidc, signOutSession, verifyCredentials } from "@/lib/users/index.ts";

const credentials = z.object({ email: z.string().max(254), password: z.string().max(256) });

function oidcProvider(): NextAuthOptions["providers"] {
  const env = readEnv();
  if (!oidcConfigured(env)) return [];
  return [
    {
      id: "oidc",
      name: env.OIDC_NAME,
      type: "oauth",
      wellKnown: `${env.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (p: { sub: string; email?: string; name?: string }) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.email ?? p.sub }),
    },
  ];
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        // The address the ingress (server.ts) resolved: X-Forwarded-For only via a trusted proxy.
        const ip = clientIpFromHeaders(req?.headers as Record<string, unknown> | undefined);
        try {
          const p = await verifyCredentials({ ...parsed.data, ip, via: "web" });
          return p ? { id: p.userId, email: p.email, name: p.name } : null;
        } catch (err) {
          if (err instanceof WardenError && err.code === "rate_limited") {
            const wait = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
            throw new Error(`rate_limited:${wait}`);
          }
          throw err;
        }
      },
    }),
    ...oidcProvider(),
  ],
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      // SSO users are matched (or created with the default role) by e-mail.
      const p = await signInWithOidc({ email: user.email ?? "", name: user.name ?? "", defaultRole: readEnv().OIDC_DEFAULT_ROLE });
      if (!p) return false;
      user.id = p.userId;
      return true;
    },
    async jwt({ token, user }) {
      // At sign-in: a server-side session the cookie names (sid); sign-out, a password change
      // or disabling the user ends it (lib/auth/session.ts).
      if (user) {
        token.sub = user.id;
        token.sid = await startSession(user.id);
      }
      return token;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === "string" && typeof token.sub === "string") await signOutSession({ sessionId: token.sid, userId: token.sub });
    },
  },
};
