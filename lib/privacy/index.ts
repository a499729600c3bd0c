export { redactionKey } from "./key.ts";
export { redactionSettings, updateRedactionRules, type RedactionSettings } from "./rules-cache.ts";
export { storageRedactor, redactorFor, markersFor, previewRedaction, type StorageRedactor } from "./redact-for-storage.ts";
