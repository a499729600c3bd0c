import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { findUnsafeValue, MAX_JSON_DEPTH } from "../../lib/validation/index.ts";
import { RpcError } from "./rpc-error.ts";

/**
 * The deepest tool arguments the gateway passes on, counting the arguments object as one level.
 * Warden takes at most MAX_JSON_DEPTH (64) levels in a `/v1/actions` body, and the arguments
 * travel one level inside it, as `input`.
 */
export const MAX_ARGUMENT_DEPTH = MAX_JSON_DEPTH - 1;

/**
 * Checks a `tools/call`'s arguments before anything hashes, records or forwards them, with
 * Warden's own boundary rules (lib/validation findUnsafeValue, iterative, so 100,000 levels
 * cost no call stack): text — values and keys — without NUL or unpaired UTF-16 surrogates,
 * finite numbers (`1e309` parses to Infinity), at most MAX_ARGUMENT_DEPTH levels.
 *
 * @throws RpcError -32602 Invalid params, `Invalid params: <path>: <problem>` with
 *   `data: {path}` (`arguments.items.3.note`), for the first problem found.
 */
export function checkToolArguments(args: unknown): void {
  const problem = findUnsafeValue(args, { maxDepth: MAX_ARGUMENT_DEPTH, root: "arguments" });
  if (problem) throw new RpcError(ErrorCode.InvalidParams, `Invalid params: ${problem.path}: ${problem.message}`, { path: problem.path });
}
