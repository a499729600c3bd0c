/**
 * Unusual-access alerts: per agent, a baseline of what it does over the last 7 days (actions,
 * resource kinds, resources touched per hour by kind, requests carrying personal data per
 * hour; lib/signals' hourly usage). An agent that uses an action or resource kind it never
 * used, or exceeds its hourly p99 by a configurable factor (default 5×, with a minimum
 * volume), raises `anomaly.detected` (audit + webhook, explained in words) and a badge on the
 * agent, cohort and overview; breakers marked `openOnAnomaly` that watch it open.
 *
 * - detect.ts — `findAnomalies` (the rules, pure) and `detectAnomalies` (the jobs loop's pass)
 * - settings.ts — factor, minimum volume, minimum history (admins; audited)
 * - list.ts — recent alerts for the dashboard and the API
 */
export { detectAnomalies, findAnomalies, ANOMALY_KINDS, type AnomalyKind, type Finding } from "./detect.ts";
export { anomalySettings, updateAnomalySettings, anomalySettingsSchema, DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from "./settings.ts";
export { listAnomalies, listAnomaliesSchema, type AnomalyView } from "./list.ts";
export { anomaliesApi, anomalyViewSchema } from "./openapi.ts";
