/**
 * PII redaction before storage: e-mail addresses, phone numbers, Luhn-checked card numbers,
 * IBANs (mod-97) and fields an admin names become `[redacted:<kind>:<hash>]` markers, the hash
 * an HMAC-SHA256 (first 64 bits) of the normalised value under a key kept outside the database
 * (key.ts), so equal values give equal markers and a dump can't test guesses.
 *
 * - detect.ts (normalize-text.ts, detect-*.ts, phone-regions.ts) / redact.ts / marker.ts — pure
 *   detection and replacement: Unicode-normalised text, libphonenumber-js phones, ibantools
 *   IBANs, RFC 6531 e-mails;
 * - rules.ts / rules-cache.ts — the admin's rules (Settings → PII redaction), cached per
 *   instance and refreshed over NOTIFY;
 * - redact-for-storage.ts — `storageRedactor()`: one per write, used by the decision pipeline
 *   and result reports; lists what it replaced (kind and path) for the audit event;
 * - budget.ts / turn.ts — the bound on a request's detection work (past it: 413
 *   `pii_scan_too_costly`, fail closed) and the turns that keep one request's scan from
 *   holding up the others (a halt is answered between two turns).
 */
export { findMarkers, MARKER_PATTERN, redactionMarker } from "./marker.ts";
export { redactDocument, redactText, type Redaction } from "./redact.ts";
export { DEFAULT_REDACTION_RULES, normalizeFieldPath, redactionRulesSchema, type RedactionKind, type RedactionRules } from "./rules.ts";
export { redactionKey } from "./key.ts";
export { redactionSettings, updateRedactionRules, type RedactionSettings } from "./rules-cache.ts";
export { storageRedactor, redactorFor, markersFor, previewRedaction, type StorageRedactor } from "./redact-for-storage.ts";
export { PIECES_PER_UNIT, REQUEST_WORK_BUDGET, ScanBudget } from "./budget.ts";
export { redactionTurn, turnStats } from "./turn.ts";
export { DEFAULT_PHONE_REGIONS, parsePhoneRegions, phoneRegions, type PhoneRegions } from "./phone-regions.ts";
export { redactionPreviewSchema } from "./preview-schema.ts";
export { redactionApi } from "./openapi.ts";
