export { Warden, inputToActOn } from "./client.ts";
export { ActionDenied, ApprovalTimeout, WardenError, WardenUnavailable } from "./errors.ts";
export { KnowledgeReader, type KnowledgeRecord, type KnowledgeChange } from "./knowledge.ts";
export {
  canonicalJson,
  fetchReceiptKeys,
  inputHash,
  RETIRED_KEY_GRACE_MS,
  verifyReceipt,
  type Receipt,
  type ReceiptCheck,
  type ReceiptFailure,
  type ReceiptKey,
  type ReceiptKeys,
  type ReceiptPayload,
} from "./receipts.ts";
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
