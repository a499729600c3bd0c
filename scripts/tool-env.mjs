// Defaults for the environment `npm start` and `npm test` run Next.js (build and server) in.

/**
 * Turns Next.js telemetry off in `env` unless NEXT_TELEMETRY_DISABLED is set: Next.js otherwise
 * announces on a first build that it collects anonymous usage data, and Warden's hosts often
 * can't reach its endpoint anyway. Next.js counts any non-empty value as "disabled", so a user
 * who wants telemetry sets the variable empty (`NEXT_TELEMETRY_DISABLED=`), which is kept.
 *
 * @param {Record<string, string | undefined>} env changed in place (default `process.env`)
 * @returns the same `env`
 */
export function applyToolDefaults(env = process.env) {
  if (!("NEXT_TELEMETRY_DISABLED" in env)) env.NEXT_TELEMETRY_DISABLED = "1";
  return env;
}
