/**
 * The control plane's HTTP face: `route({permission, query, body, handler})` — authenticate
 * (Bearer API token, or session cookie + same-origin check against CSRF) → authorize with
 * `can()` → parse with zod → handler → map errors — and the one error mapper (errors.ts) from
 * lib/errors' kinds to status codes and the JSON error body.
 */
export { WardenError, badRequest, unauthorized, forbidden, notFound, conflict, toErrorBody, zodDetails, type ErrorBody } from "./errors.ts";
export { route, publicRoute, json, errorResponse, readJsonBody, readTextBody, authenticate, clientIp, DEFAULT_MAX_BODY_BYTES, type RouteContext } from "./route.ts";
export { timeParam } from "../validation/index.ts";
