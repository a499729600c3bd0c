export { Warden } from "./client.ts";
export { ActionDenied, ApprovalTimeout, WardenError, WardenUnavailable } from "./errors.ts";
export type { ActionAnswer, ActionRequest, ActionStatus, Decision, Flag, Reason, WardenOptions, WhoAmI } from "./types.ts";
