// A second Warden data-plane instance in its own process, on the same database, for tests
// and benchmarks of cross-instance behaviour. Prints `PORT <n>` when listening.
import { startJobs } from "../../lib/jobs/index.ts";
import { startDataPlane } from "./dataplane.ts";

const dp = await startDataPlane();
// WARDEN_TEST_JOBS=1: this instance also runs the background jobs, as server.ts does.
const stopJobs = process.env.WARDEN_TEST_JOBS === "1" ? startJobs() : async () => {};
console.log(`PORT ${new URL(dp.base).port}`);
process.on("SIGTERM", () => void stopJobs().then(() => dp.close()).then(() => process.exit(0)));
