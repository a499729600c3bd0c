import { PassThrough, type Readable, type Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Gateway } from "./gateway.ts";
import { checkJsonRpc, errorResponse } from "./jsonrpc-check.ts";

const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * Serves one MCP client over stdio (newline-delimited JSON-RPC, the MCP stdio transport) with
 * the SDK's `StdioServerTransport`. Lines are checked first: a malformed one is answered with
 * its JSON-RPC error (-32700 / -32600) instead of being dropped, and never stops the gateway.
 * Resolves `closed` when the client closes stdin.
 */
export async function serveStdio(gateway: Gateway, streams: { stdin?: Readable; stdout?: Writable } = {}): Promise<{ closed: Promise<void> }> {
  const stdin = streams.stdin ?? process.stdin;
  const stdout = streams.stdout ?? process.stdout;
  const checked = new PassThrough();
  const decoder = new StringDecoder("utf8");
  let buffer = "";
  let skipping = false; // inside a line that was too long
  const answer = (line: string) => {
    const result = checkJsonRpc(line, { allowBatch: false });
    if (result.ok) checked.write(`${line}\n`);
    else stdout.write(`${JSON.stringify(errorResponse(result.problem))}\n`);
  };
  stdin.on("data", (chunk: Buffer | string) => {
    buffer += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (skipping) skipping = false;
      else if (line.trim() !== "") answer(line);
    }
    if (buffer.length > MAX_LINE_BYTES) {
      if (!skipping) stdout.write(`${JSON.stringify(errorResponse({ code: -32600, message: `Invalid Request: a message over ${MAX_LINE_BYTES} bytes`, id: null }))}\n`);
      buffer = "";
      skipping = true;
    }
  });
  const closed = new Promise<void>((resolve) => {
    stdin.once("end", () => resolve());
    stdin.once("close", () => resolve());
  });
  const server = gateway.createServer();
  await server.connect(new StdioServerTransport(checked, stdout));
  return { closed };
}
