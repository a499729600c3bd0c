/**
 * Boundary validation shared by both planes (the `/v1` data plane and the `/api` routes):
 * zod building blocks for what reaches PostgreSQL from outside.
 */
export { timeParam } from "./time.ts";
