// Evaluates one policy condition off the test's thread, so a regression to a backtracking
// regex engine fails the test at its deadline instead of freezing the whole run.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { compileCondition, runCondition } = await import("../../lib/policies/cel.ts");
const { condition, vars } = workerData;
const c = compileCondition(condition, "pre");
parentPort.postMessage(c.ok ? runCondition(c.program, vars) : { compileError: c.error.message });
