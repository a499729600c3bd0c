export { getOverview, cohortRates, type Overview, type MinuteBucket, type CohortRates, type BusyAgent, type FiredPolicy, type DecisionMix, type Halted } from "./overview.ts";
