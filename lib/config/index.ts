/** Environment settings, validated with zod once at start (env.ts); see README "Configuration". */
export { readEnv, oidcConfigured, type Env } from "./env.ts";
export { publicUrl, approvalLink } from "./public-url.ts";
export { instanceId } from "./instance.ts";
