/**
 * Several Warden processes on one port (node:cluster): how many serve the data plane
 * (`workerCount`, from WARDEN_WORKERS; one more serves the control plane), the primary's
 * supervisor that forks, restarts and stops them and routes each connection to one
 * (`superviseWorkers`; route.ts: agents' connections to the data-plane workers, the rest to the
 * control-plane worker), a worker's side of that (`receiveConnections`), a worker's slot
 * (`workerSlot`; slot 0 is the control-plane worker; `workerJobs`: slot 0 runs the prompt background jobs, slot 1 the bulk ones) and the one
 * shutdown path every process takes (`onStop`). Every guarantee is enforced in PostgreSQL, so
 * workers are interchangeable, as instances are: the routing is about latency, never safety.
 */
export { workerCount, MAX_DEFAULT_WORKERS } from "./worker-count.ts";
export { superviseWorkers, workerJobs, workerSlot, WORKER_SLOT_ENV, type Supervisor, type SuperviseOptions } from "./supervise.ts";
export { onStop } from "./on-stop.ts";
export { connectionKind, receiveConnections, routeConnections, type ConnectionKind } from "./route.ts";
