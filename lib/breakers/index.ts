/**
 * Circuit breakers: a metric of an agent or a cohort over a rolling window (lib/signals:
 * deny, escalation, rejection, flag or failure rate; actions; distinct resources). When it
 * crosses its threshold with enough samples the breaker opens and holds the agent or its
 * whole cohort like a halt: every later action it covers is denied with `circuit_open`,
 * exactly, on every instance — the decision transaction reads breakers under the shared
 * HALT_LOCK and an opening takes it exclusively (gate.ts, transitions.ts) — and its covered
 * pending actions are rejected (lib/actions settlePending, cause `breaker`). Recovery is a
 * person's reset with a reason, or half-open after a cooldown: N probe actions pass, and their
 * metric closes or re-opens it.
 *
 * - schema.ts — the spec (POST/PUT /api/breakers), `resetSchema`
 * - gate.ts — the decision transaction's part (`breakerGateSql`, `BreakerGate`, `circuitReason`)
 * - evaluate.ts — `evaluateBreakers` (jobs loop, every second) and `breakerEvaluator()` (right
 *   after a batch that touched a watched scope)
 * - transitions.ts — open (exclusive HALT_LOCK), close, half-open; audit + webhooks
 * - holds.ts — what is held now, for displays (`breakerHolds`, `holdsCovering`)
 * - read.ts / write.ts — the API; watch.ts — which scopes are watched (resource sets)
 */
export { breakerSpecSchema, breakerUpdateSchema, breakerFilterSchema, breakerSeriesQuerySchema, resetSchema, MAX_BREAKER_WINDOW, type BreakerSpec } from "./schema.ts";
export { breakerGateSql, BreakerGate, circuitReason } from "./gate.ts";
export { evaluateBreakers, breakerEvaluator, type EvaluationResult } from "./evaluate.ts";
export { openBreaker, closeBreaker, halfOpenDue } from "./transitions.ts";
export { breakerHolds, holdsCovering, holdMessage, type BreakerHold } from "./holds.ts";
export { listBreakers, getBreaker, breakerSeries } from "./read.ts";
export { createBreaker, updateBreaker, deleteBreaker, resetBreaker } from "./write.ts";
export { resourceTracker, breakerWatchCache, type BreakerWatch } from "./watch.ts";
export { openOnAnomaly } from "./anomaly.ts";
export { presentBreaker, formatMetric, crossingMessage, type BreakerView, type BreakerStateName, type OpenedBecause, type Held } from "./present.ts";
export { breakersApi } from "./openapi.ts";
export { breakerViewSchema, openedBecauseSchema } from "./responses.ts";
