import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parsePrivateKey, parsePublicKeyList } from "../signing/index.ts";
import { parsePhoneRegions } from "../redaction/index.ts";

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

// A key is checked where it is read (lib/signing); here only so a bad one stops start-up with its name.
const keyText = (parse: (text: string, name: string) => unknown, name: string) =>
  z.string().superRefine((v, ctx) => {
    try {
      parse(v, name);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  });
// Addresses or CIDR ranges, comma-separated (lib/http/forwarded.ts reads it).
const addressList = z.string().superRefine((v, ctx) => {
  for (const entry of v.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [addr = "", bits] = entry.replace(/^\[|\](?=\/|$)/g, "").split("/");
    const ok = (ipaddr.IPv4.isValidFourPartDecimal(addr) || ipaddr.IPv6.isValid(addr)) && (bits === undefined || ipaddr.isValidCIDR(`${addr}/${bits}`));
    if (!ok) ctx.addIssue({ code: "custom", message: `"${entry}" is not an address or a CIDR range` });
  }
});

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  // A streaming read replica for the dashboard's and audit explorer's reads (lib/db readReplicaOk),
  // used while its lag is within WARDEN_REPLICA_MAX_LAG_MS; the primary serves them otherwise.
  DATABASE_REPLICA_URL: z.string().url().optional(),
  WARDEN_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
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
  OIDC_DEFAULT_ROLE: z.enum(["viewer", "operator", "editor", "approver", "admin"]).default("viewer"),
  // Intranet webhook receivers Warden may send to (loopback, private … addresses are refused otherwise).
  WARDEN_WEBHOOK_ALLOWED_HOSTS: hostList.optional(),
  // Signed audit checkpoints (lib/audit, lib/signing): the key (else generated into the data
  // directory), earlier public keys still trusted, the file sink and the schedule.
  WARDEN_CHECKPOINT_KEY: keyText(parsePrivateKey, "WARDEN_CHECKPOINT_KEY").optional(),
  WARDEN_CHECKPOINT_PUBLIC_KEYS: keyText(parsePublicKeyList, "WARDEN_CHECKPOINT_PUBLIC_KEYS").optional(),
  WARDEN_CHECKPOINT_FILE: z.string().min(1).optional(),
  WARDEN_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  // Signed decision receipts (lib/receipts): the key (else generated into the data directory),
  // earlier public keys still trusted, and `off` (answers carry no receipt; bench:decisions
  // uses it to measure what signing costs).
  WARDEN_RECEIPT_KEY: keyText(parsePrivateKey, "WARDEN_RECEIPT_KEY").optional(),
  WARDEN_RECEIPT_PUBLIC_KEYS: keyText(parsePublicKeyList, "WARDEN_RECEIPT_PUBLIC_KEYS").optional(),
  WARDEN_RECEIPTS: z.enum(["on", "off"]).default("on"),
  // Failing fast when the database is gone (lib/db, lib/decisions): connect / pool-wait /
  // statement timeout, and the time a decision may take to become durable before a 503.
  WARDEN_DB_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  WARDEN_DECISION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  // Phone number regions for PII detection: the home region first (lib/redaction/phone-regions.ts).
  WARDEN_PHONE_REGION: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parsePhoneRegions(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
      }
    })
    .optional(),
  // Reverse proxies whose X-Forwarded-For/-Host/-Proto Warden believes (nobody's by default).
  WARDEN_TRUSTED_PROXIES: addressList.optional(),
  // Worker processes serving Warden on one port (lib/cluster); default: the cores, at most 8; 1 = one process.
  WARDEN_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
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
