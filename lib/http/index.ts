export { WardenError, badRequest, unauthorized, forbidden, notFound, conflict, toErrorBody, zodDetails, type ErrorBody } from "./errors.ts";
export { route, publicRoute, json, errorResponse, readJsonBody, authenticate, clientIp, DEFAULT_MAX_BODY_BYTES, type RouteContext } from "./route.ts";
export { timeParam } from "./params.ts";
