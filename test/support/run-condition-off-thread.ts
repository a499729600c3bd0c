import { Worker } from "node:worker_threads";

/**
 * Runs compileCondition + runCondition in a worker thread and answers its result, or rejects
 * when it has not answered by the deadline (the worker is then terminated). The deadline only
 * keeps a hang from freezing the suite; it is not a speed assertion.
 */
export function runConditionOffThread(condition: string, vars: Record<string, unknown>, deadlineMs = 20_000): Promise<unknown> {
  const worker = new Worker(new URL("./condition-worker.mjs", import.meta.url), { workerData: { condition, vars } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the condition did not finish within ${deadlineMs} ms: ${condition}`));
    }, deadlineMs);
    worker.once("message", (m) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
