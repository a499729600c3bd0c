/**
 * The agents' API (`/v1/*`): plain node:http handlers (router.ts) on the same lib/ functions
 * the dashboard uses, without Next.js's per-request overhead. Errors map through lib/http.
 */
export { handleDataPlane, dataPlaneRoutes } from "./router.ts";
export { dataPlaneApi } from "./openapi.ts";
export { decisionAdmission, decisionConcurrency, decisionQueue, Admission, type AdmissionState } from "./admission.ts";
