// A second Warden data-plane instance in its own process, on the same database, for tests
// and benchmarks of cross-instance behaviour. Prints `PORT <n>` when listening.
import { startDataPlane } from "./dataplane.ts";

const dp = await startDataPlane();
console.log(`PORT ${new URL(dp.base).port}`);
process.on("SIGTERM", () => void dp.close().then(() => process.exit(0)));
