// The action-name rule lives with the other name rules (lib/validation names.ts), which every
// schema can import without reaching into the lifecycle; re-exported here for the lifecycle's callers.
export { ACTION_NAME, actionNameSchema, actionGlobSchema } from "../validation/index.ts";
