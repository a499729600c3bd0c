import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  isJSONRPCRequest,
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";

// The requests the gateway serves, with the SDK's own schemas for their params.
const SERVED = new Map<string, { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }>([
  ["initialize", InitializeRequestSchema],
  ["ping", PingRequestSchema],
  ["tools/list", ListToolsRequestSchema],
  ["tools/call", CallToolRequestSchema],
]);

export type JsonRpcProblem = { code: number; message: string; id: string | number | null };
export type Checked = { ok: true; messages: JSONRPCMessage[]; batch: boolean } | { ok: false; problem: JsonRpcProblem };

/**
 * Checks what a client sent before the SDK sees it, so malformed input gets the error codes
 * JSON-RPC 2.0 (§5.1) names instead of being dropped: not JSON → -32700 Parse error; JSON
 * that is not a JSON-RPC 2.0 message (or an empty batch, or a batch where batches are not
 * accepted) → -32600 Invalid Request, with the request's id when it has a usable one.
 * Unknown methods (-32601) and bad params (-32602) are answered by the MCP server itself.
 */
export function checkJsonRpc(text: string, { allowBatch }: { allowBatch: boolean }): Checked {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: { code: ErrorCode.ParseError, message: `Parse error: ${(err as Error).message}`, id: null } };
  }
  if (Array.isArray(value)) {
    if (!allowBatch) return invalid("batches are not supported; send one message per line", null);
    if (value.length === 0) return invalid("an empty batch", null);
    const messages: JSONRPCMessage[] = [];
    for (const item of value) {
      const one = checkOne(item);
      if (!one.ok) return one;
      messages.push(...one.messages);
    }
    return { ok: true, messages, batch: true };
  }
  return checkOne(value);
}

function checkOne(value: unknown): Checked {
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) {
    const message = parsed.data;
    const schema = isJSONRPCRequest(message) ? SERVED.get(message.method) : undefined;
    const params = schema?.safeParse(message);
    if (params && !params.success) {
      const issue = params.error?.issues[0];
      const where = issue ? `${issue.path.map(String).join(".") || "params"}: ${issue.message}` : "params do not fit";
      return { ok: false, problem: { code: ErrorCode.InvalidParams, message: `Invalid params for ${(message as { method: string }).method}: ${where}`, id: (message as { id: string | number }).id } };
    }
    return { ok: true, messages: [message], batch: false };
  }
  const obj = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const id = typeof obj.id === "string" || (typeof obj.id === "number" && Number.isInteger(obj.id)) ? obj.id : null;
  const what =
    typeof value !== "object" || value === null
      ? "a JSON-RPC message is an object"
      : obj.jsonrpc !== "2.0"
        ? 'jsonrpc must be "2.0"'
        : "method" in obj && typeof obj.method !== "string"
          ? "method must be a string"
          : "not a JSON-RPC 2.0 request, notification or response";
  return invalid(what, id);
}

function invalid(what: string, id: string | number | null): Checked {
  return { ok: false, problem: { code: ErrorCode.InvalidRequest, message: `Invalid Request: ${what}`, id } };
}

/** The JSON-RPC error response for a problem. */
export function errorResponse(p: JsonRpcProblem): { jsonrpc: "2.0"; id: string | number | null; error: { code: number; message: string } } {
  return { jsonrpc: "2.0", id: p.id, error: { code: p.code, message: p.message } };
}
