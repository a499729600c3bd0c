// The gateway's configuration file (the contract in issue 15):
//   {"warden": {"url"}, "listen": {"http": {"host", "port"}} | {"stdio": true},
//    "upstreams": [{"name", "command", "args"?, "agentKey"} | {"name", "url", "agentKey"}]}
// Optional additions (never required): upstream `env`, `cwd`, `headers`, `timeoutSeconds`;
// listen.http `token`; an agentKey written as "env:VAR" is read from the environment.
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** Lower-case letters and digits, in segments joined by single `-` or `_`: never `__`, so `<upstream>__<tool>` splits unambiguously. */
export const UPSTREAM_NAME = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;

const httpUrl = z.url({ protocol: /^https?$/, error: "an absolute http(s) URL" });

const agentKey = z
  .string()
  .trim()
  .min(1, "the Warden agent key (wdn_…) this upstream acts as, or env:VARIABLE");

const upstreamSchema = z
  .strictObject({
    name: z.string().max(40, "at most 40 characters").regex(UPSTREAM_NAME, "lower-case letters and digits, in segments joined by single - or _ (e.g. fs, web, git_hub)"),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    url: httpUrl.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    agentKey,
    timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .superRefine((u, ctx) => {
    if ((u.command === undefined) === (u.url === undefined)) {
      ctx.addIssue({ code: "custom", message: 'give either "command" (a stdio server) or "url" (a Streamable HTTP server), not both', path: [] });
    }
    if (u.url !== undefined && (u.args ?? u.env ?? u.cwd) !== undefined) ctx.addIssue({ code: "custom", message: '"args", "env" and "cwd" are for stdio upstreams ("command")', path: [] });
    if (u.command !== undefined && u.headers !== undefined) ctx.addIssue({ code: "custom", message: '"headers" is for Streamable HTTP upstreams ("url")', path: [] });
  });

const listenSchema = z.union(
  [
    z.strictObject({
      http: z.strictObject({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65_535),
        token: z.string().min(16, "at least 16 characters").optional(),
      }),
    }),
    z.strictObject({ stdio: z.literal(true) }),
  ],
  { error: 'either {"http": {"host", "port"}} or {"stdio": true}' },
);

export const gatewayConfigSchema = z
  .strictObject({
    warden: z.strictObject({ url: httpUrl, timeoutMs: z.number().int().min(100).max(120_000).optional() }),
    listen: listenSchema.default({ stdio: true }),
    upstreams: z.array(upstreamSchema).min(1, "name at least one upstream MCP server").max(64),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.upstreams.forEach((u, i) => {
      if (seen.has(u.name)) ctx.addIssue({ code: "custom", message: `upstream name "${u.name}" is used twice`, path: ["upstreams", i, "name"] });
      seen.add(u.name);
    });
    if ("http" in c.listen && !isLoopback(c.listen.http.host) && !c.listen.http.token) {
      ctx.addIssue({
        code: "custom",
        message: "listening beyond this machine needs listen.http.token: anyone who can reach the port acts with the upstreams' agent keys",
        path: ["listen", "http", "token"],
      });
    }
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

export type UpstreamConfig = {
  name: string;
  agentKey: string;
  timeoutMs: number;
} & ({ kind: "stdio"; command: string; args: string[]; env?: Record<string, string>; cwd: string } | { kind: "http"; url: string; headers: Record<string, string> });

export type GatewayConfig = {
  warden: { url: string; timeoutMs?: number };
  listen: { http: { host: string; port: number; token?: string } } | { stdio: true };
  upstreams: UpstreamConfig[];
};

/** A configuration problem, said so a person can fix the file. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const DEFAULT_UPSTREAM_TIMEOUT_SECONDS = 600;

/**
 * Validates a parsed configuration. `baseDir` resolves relative `cwd`s (default: the
 * configuration file's folder, so relative paths in `args` work wherever the client starts us).
 * Throws `ConfigError` listing every problem, or naming an `env:` variable that is unset.
 */
export function parseGatewayConfig(raw: unknown, { baseDir, env = process.env }: { baseDir: string; env?: Record<string, string | undefined> }): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.length ? i.path.join(".") : "(config)"}: ${i.message}`);
    throw new ConfigError(`the configuration is not valid:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  return {
    warden: { url: c.warden.url, ...(c.warden.timeoutMs ? { timeoutMs: c.warden.timeoutMs } : {}) },
    listen: c.listen,
    upstreams: c.upstreams.map((u) => {
      const common = { name: u.name, agentKey: resolveKey(u.agentKey, u.name, env), timeoutMs: (u.timeoutSeconds ?? DEFAULT_UPSTREAM_TIMEOUT_SECONDS) * 1000 };
      if (u.url !== undefined) return { ...common, kind: "http" as const, url: u.url, headers: u.headers ?? {} };
      return { ...common, kind: "stdio" as const, command: u.command!, args: u.args ?? [], ...(u.env ? { env: u.env } : {}), cwd: path.resolve(baseDir, u.cwd ?? ".") };
    }),
  };
}

/** Reads and validates a configuration file (JSON). Throws `ConfigError`. */
export async function loadGatewayConfig(file: string, env: Record<string, string | undefined> = process.env): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read the configuration file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseGatewayConfig(raw, { baseDir: path.dirname(path.resolve(file)), env });
}

function resolveKey(value: string, upstream: string, env: Record<string, string | undefined>): string {
  if (!value.startsWith("env:")) return value;
  const name = value.slice(4);
  const key = env[name]?.trim();
  if (!key) throw new ConfigError(`upstream "${upstream}": agentKey names the environment variable ${name}, which is not set`);
  return key;
}

/** Whether a listen host only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1";
}
