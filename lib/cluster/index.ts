/**
 * Several Warden processes on one port (node:cluster): how many (`workerCount`, from
 * WARDEN_WORKERS), the primary's supervisor that forks, restarts and stops them
 * (`superviseWorkers`), a worker's slot (`workerSlot`; slot 0 runs the background jobs) and
 * the one shutdown path every process takes (`onStop`). Every guarantee is enforced in
 * PostgreSQL, so workers are interchangeable, as instances are.
 */
export { workerCount, MAX_DEFAULT_WORKERS } from "./worker-count.ts";
export { superviseWorkers, workerSlot, WORKER_SLOT_ENV, type Supervisor, type SuperviseOptions } from "./supervise.ts";
export { onStop } from "./on-stop.ts";
