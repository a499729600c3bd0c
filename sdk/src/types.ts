// The data-plane contract (`/v1/*`, see API.md) as the SDK sees it.
import type { Receipt, ReceiptKeys } from "./receipts.ts";

export type Decision = "allow" | "deny" | "pending";
export type ActionStatus = "allowed" | "denied" | "pending" | "approved" | "rejected" | "expired";

/** Known reason codes; the server may add new ones, so any string is accepted. */
export type ReasonCode = "policy" | "agent_halted" | "cohort_halted" | "global_halt" | "circuit_open" | "default" | "not_granted" | "budget_exceeded" | "budget_error" | "handoff" | (string & {});

export type Reason = {
  code: ReasonCode;
  policyId?: string;
  policyName?: string;
  effect?: "deny" | "require_approval" | "allow" | (string & {});
  message: string;
};

/** The answer of `POST /v1/actions` and `GET /v1/actions/{id}`. */
export type ActionAnswer = {
  id: string;
  decision: Decision;
  status: ActionStatus;
  reasons: Reason[];
  /** What policies in shadow mode would have decided; never enforced. */
  shadow: Reason[];
  /** When a pending action expires if nobody decides. */
  expiresAt?: string;
  /** Pending: the stage of its escalation path waiting for people (team null: any approver). */
  stage?: { index: number; of: number; team: string | null; expiresAt: string | null };
  /** Approved with changes: the input to act on, as Warden stores it (PII stays redacted). */
  approvedInput?: Record<string, unknown>;
  /** ... and what the approvers changed, path by path (`input.price`). */
  approvedChanges?: { path: string; from?: unknown; to?: unknown }[];
  /**
   * Warden's signed statement of this answer (docs/API.md "Receipts"): hand it to the business
   * system the action goes to, which checks it offline with `verifyReceipt`.
   */
  receipt?: Receipt;
};

/** What the agent is about to do. `input` and `context` are what policies (CEL) see. */
export type ActionRequest = {
  action: string;
  resource?: string;
  input?: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Same key, same answer: retries are recorded once. Generated when absent. */
  idempotencyKey?: string;
  /**
   * Ask for a human yourself (e.g. when unsure): the action always waits for a person, unless
   * a policy denies it. `confidence` (0..1) is also `context.confidence` to policies.
   */
  handoff?: { reason: string; confidence?: number };
  /**
   * The agent version this action runs under (must be registered in Warden). Default: the
   * version `release(releaseKey)` answers when `releaseKey` is given, else the client's `version`.
   */
  version?: string;
  /**
   * A routing key (customer, session, order or SKU id): the action runs under the version Warden
   * assigns this key (`release(key)`, cached), which is attached to the request.
   */
  releaseKey?: string;
};

/** `GET /v1/agent/release`: which version to run for a routing key, and its configuration. */
export type Release = {
  /** The version label, or null when the agent has no registered version. */
  version: string | null;
  /** The version's configuration document (as registered, PII-redacted). */
  config: Record<string, unknown> | null;
  /** The rollout that assigned it (`rol_…`), or null outside a rollout. */
  rollout: string | null;
  step: number | null;
  /** The candidate's share of traffic in the current step (percent). */
  share: number | null;
};

export type AskRequest = ActionRequest & {
  /** Seconds (0..60) the server may hold the request while the action is pending. Default 0. */
  wait?: number;
};

export type ResultReport = {
  status: "succeeded" | "failed";
  output?: unknown;
  error?: string;
  /** The input acted on: an approval with changes is checked against it (guard sends it). */
  input?: Record<string, unknown>;
};

export type Flag = { policyId?: string; policyName?: string; message: string };

/** The answer of `POST /v1/actions/{id}/result`: what post-stage policies flagged. */
export type ResultAnswer = { id: string; flags: Flag[] };

export type GuardResult<T> = {
  /** What the guarded function returned. */
  value: T;
  /** The input the function was given: the request's, or the one approvers changed it to. */
  input: Record<string, unknown>;
  /** Warden's final answer (decision `allow`, status `allowed` or `approved`). */
  action: ActionAnswer;
  /** Post-check flags on the reported result; empty when the report could not be delivered. */
  flags: Flag[];
};

export type GuardOptions = {
  /** Long-poll seconds for the first request. Default: the client's `waitSeconds`. */
  wait?: number;
  /** Called once when the action is pending a human decision (before waiting on). */
  onPending?: (answer: ActionAnswer) => void;
  /** Stops waiting (for an answer or a human); the function is then never run. */
  signal?: AbortSignal;
};

export type WhoAmI = {
  id: string;
  name: string;
  cohort: string;
  owner: string;
  riskTier?: "low" | "medium" | "high";
  /** `circuit_open`: an open circuit breaker holds the agent or its cohort (circuitReason says which and why). */
  status: "active" | "halted" | "circuit_open";
  haltReason?: string;
  circuitReason?: string;
  /** Its capability grants: null = unrestricted. */
  capabilities?: { action: string; resources?: string[] }[] | null;
};

export type ResultReportFailure = { actionId: string; result: ResultReport };

export type WardenOptions = {
  /** Base URL of Warden, e.g. `https://warden.example.com`. */
  url: string;
  /** The agent's key (`wdn_…`). */
  apiKey: string;
  /** Per request, on top of any long-poll wait. Default 5000. */
  timeoutMs?: number;
  /** How long one long-poll asks the server to hold, 0..60 s. Default 60. */
  waitSeconds?: number;
  /**
   * How long `guard` waits for a human in total before giving up with `ApprovalTimeout`.
   * Default: until the pending action's `expiresAt` (plus a minute's grace), 24 h at most.
   */
  maxWaitMs?: number;
  /**
   * How many times a request that got no answer, a 5xx (e.g. `503 unavailable`) or a 429 is
   * sent again, always with the same idempotency key. Default 2.
   */
  maxRetries?: number;
  /**
   * The time retries of one request may take in all, from its first attempt. A retry waits
   * for the server's `Retry-After` (or a backoff, 200 ms × 3ⁿ); when that wait would end past
   * the budget, the SDK gives up at once (fail closed) instead. Default 10000.
   */
  retryBudgetMs?: number;
  /**
   * Verify the receipt of every answer before acting on it: a missing, invalid or mismatched
   * receipt (another action, status, action name, resource or input than asked) is
   * `WardenUnavailable` with code `invalid_receipt`, and the action does not run. `true` checks
   * with the keys of `GET <url>/api/keys/receipts`, fetched at first use and again when an
   * unknown key id appears (a rotation; once per key id); `{ keys }` pins the keys
   * (from your configuration: then a compromised server can't present its own). Default off.
   */
  verifyReceipts?: boolean | { keys: ReceiptKeys };
  /** A fetch implementation (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** The version this agent runs, attached to every action that names none (see ActionRequest.version). */
  version?: string;
  /** How long `release(key)` answers are reused before they are revalidated (ETag). Default 5000 ms. */
  releaseCacheMs?: number;
  /**
   * The guarded function ran but its outcome could not be reported after retries. The value is
   * still returned to the caller; this is where to keep the report for later. Default: console.warn.
   */
  onResultReportError?: (error: unknown, failed: ResultReportFailure) => void;
};
