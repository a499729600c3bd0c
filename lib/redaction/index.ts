export {
  DEFAULT_REDACTION_RULES,
  normalizeFieldPath,
  redactionRulesSchema,
  type RedactionKind,
  type RedactionRules,
} from "./rules.ts";
export { findMarkers, MARKER_PATTERN, redactionMarker } from "./marker.ts";
export { redactDocument, redactText, type Redaction } from "./redact.ts";
export { DEFAULT_PHONE_REGIONS, parsePhoneRegions, phoneRegions, type PhoneRegions } from "./phone-regions.ts";
