/**
 * Volume seeding (`npm run seed:volume`): a realistic history of governed actions and the audit
 * events the product would have written for them, bulk-loaded with COPY.
 *
 * Every row is what the product writes: the policies in the database decide each generated
 * request (lib/policies, with `now` at the historical time); audit events are built by the same
 * functions the live transitions use (lib/actions, lib/approvals) and chained by lib/audit's
 * protocol (holdAllChains → chainEvents → moveHeadsSql). Only the timestamps are historical.
 * Files: args (command line), rng, estate (agents), traffic (requests and seasonality), history
 * (one action and its trail), copy (COPY text), load (chunks and transactions).
 */
export { parseVolumeArgs, VOLUME_USAGE, type VolumeArgs } from "./args.ts";
export { seedVolume, type VolumeOptions, type VolumeResult, type RedactHook } from "./load.ts";
export { SEED_COHORTS } from "./estate.ts";
export type { SeedRedactor } from "./history.ts";
