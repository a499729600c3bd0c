export { halt, resume, haltSchema, resumeSchema, HALT_LOCK, type Scope, type HaltResult } from "./halt.ts";
