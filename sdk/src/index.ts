export { Warden, inputToActOn } from "./client.ts";
export { ActionDenied, ApprovalTimeout, WardenError, WardenUnavailable } from "./errors.ts";
export { KnowledgeReader, type KnowledgeRecord, type KnowledgeChange } from "./knowledge.ts";
export type {
  ActionAnswer,
  ActionRequest,
  ActionStatus,
  AskRequest,
  Decision,
  Flag,
  GuardOptions,
  GuardResult,
  Reason,
  ReasonCode,
  Release,
  ResultAnswer,
  ResultReport,
  ResultReportFailure,
  WardenOptions,
  WhoAmI,
} from "./types.ts";
