import { anomalySettings, anomalySettingsSchema, updateAnomalySettings } from "@/lib/anomalies/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: () => anomalySettings() });

export const PUT = route({ permission: "settings:write", body: anomalySettingsSchema, handler: ({ principal, body }) => updateAnomalySettings(principal, body) });
