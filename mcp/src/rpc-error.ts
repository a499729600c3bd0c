import { McpError } from "@modelcontextprotocol/sdk/types.js";

/**
 * A JSON-RPC error to answer with. The SDK sends a handler's `error.code` and `error.message`
 * as they are; its own `McpError` puts "MCP error <code>: " into the message, which clients
 * then print twice, so the gateway throws these instead.
 */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** An error's message without the SDK's "MCP error <code>: " prefix. */
export function plainMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof McpError ? message.replace(/^MCP error -?\d+: /, "") : message;
}
