/** Cohorts: groups of agents halted and resumed together, created on first use (ensure-cohort.ts), listed with their halt state (list-cohorts.ts). */
export { ensureCohort } from "./ensure-cohort.ts";
export { listCohorts, type CohortView } from "./list-cohorts.ts";
export { cohortsApi, cohortViewSchema } from "./openapi.ts";
