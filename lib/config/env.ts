import ipaddr from "ipaddr.js";
import { z } from "zod";

const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

// Host names, addresses or CIDR ranges, comma-separated (lib/webhooks/address-guard.ts reads it).
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
const hostList = z.string().superRefine((v, ctx) => {
  for (const entry of v.split(",").map((e) => e.trim()).filter(Boolean)) {
    const ok = entry.includes("/") ? ipaddr.isValidCIDR(entry) : ipaddr.isValid(entry.replace(/^\[|\]$/g, "")) || HOST_NAME.test(entry);
    if (!ok) ctx.addIssue({ code: "custom", message: `"${entry}" is not a host name, an address or a CIDR range` });
  }
});

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  WARDEN_DATA_DIR: z.string().min(1).default(".data"),
  WARDEN_ADMIN_EMAIL: z.string().email().optional(),
  WARDEN_ADMIN_PASSWORD: z.string().min(12, "WARDEN_ADMIN_PASSWORD must be at least 12 characters").optional(),
  WARDEN_SEED_DEMO: boolish.default(true),
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  // Key of PII redaction markers; defaults to one derived from NEXTAUTH_SECRET.
  WARDEN_REDACTION_KEY: z.string().min(32, "WARDEN_REDACTION_KEY must be at least 32 characters").optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  // Where people open the dashboard (links in webhook messages); defaults to NEXTAUTH_URL.
  WARDEN_PUBLIC_URL: z.string().url().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("SSO"),
  OIDC_DEFAULT_ROLE: z.enum(["viewer", "operator", "approver", "admin"]).default("viewer"),
  // Intranet webhook receivers Warden may send to (loopback, private … addresses are refused otherwise).
  WARDEN_WEBHOOK_ALLOWED_HOSTS: hostList.optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
});

export type Env = z.infer<typeof schema>;

/** Validates the environment once; a bad value stops start-up with a readable message. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export function oidcConfigured(env: Env): boolean {
  return Boolean(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}
