export { ensureCohort } from "./ensure-cohort.ts";
export { listCohorts, type CohortView } from "./list-cohorts.ts";
