/** The operator's overview in one read (overview.ts): decisions per minute, cohort rates, the queue, halts, busiest agents, policies that fired. */
export { getOverview, cohortRates, type Overview, type MinuteBucket, type CohortRates, type BusyAgent, type FiredPolicy, type DecisionMix, type Halted } from "./overview.ts";
export { containmentSummary, type ContainmentSummary } from "./containment.ts";
export { overviewApi, overviewAnswerSchema, containmentAnswerSchema } from "./openapi.ts";
