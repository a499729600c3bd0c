import type { ActionStatus, Reason } from "./types.ts";

/** Warden answered with an error (4xx/5xx). */
export class WardenError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "WardenError";
  }
}

/** Warden could not be reached or answered nonsense: the action was not run. */
export class WardenUnavailable extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = "WardenUnavailable";
  }
}

/** Warden (or a human) said no: the action was not run. */
export class ActionDenied extends Error {
  constructor(
    readonly actionId: string,
    readonly status: ActionStatus,
    readonly reasons: Reason[],
  ) {
    super(`Action ${status}: ${reasons.map((r) => r.message).join("; ") || "no reason given"}`);
    this.name = "ActionDenied";
  }
}

/** No human decided within maxWaitMs: the action was not run. */
export class ApprovalTimeout extends Error {
  constructor(readonly actionId: string) {
    super(`No decision on ${actionId} in time`);
    this.name = "ApprovalTimeout";
  }
}
