import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, McpError, ToolListChangedNotificationSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { UpstreamConfig } from "./config.ts";
import type { Log } from "./log.ts";
import { GATEWAY_NAME, GATEWAY_VERSION } from "./version.ts";

const CONNECT_TIMEOUT_MS = 30_000;
const LIST_TIMEOUT_MS = 30_000;

/** The upstream could not be reached or started; nothing was sent to it. */
export class UpstreamUnavailable extends Error {
  override name = "UpstreamUnavailable";
}

/**
 * One upstream MCP server, reached over stdio (a child process we start) or Streamable HTTP,
 * through the official SDK's `Client`. Connects on first use and again after the connection
 * is lost (a stdio server that exited is started anew on the next call).
 */
export class Upstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  /** Called when the upstream's tool list changed (its notification, or a reconnect). */
  onToolsChanged?: () => void;
  readonly #log: Log;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #tools: Promise<Tool[]> | undefined;
  #transport: StdioClientTransport | StreamableHTTPClientTransport | undefined;
  #closed = false;
  #instructions: string | undefined;

  constructor(config: UpstreamConfig, log: Log) {
    this.name = config.name;
    this.config = config;
    this.#log = log;
  }

  /** The child process of a connected stdio upstream (diagnostics, tests). */
  get pid(): number | null {
    return this.#transport instanceof StdioClientTransport ? this.#transport.pid : null;
  }

  get instructions(): string | undefined {
    return this.#instructions;
  }

  /** A connected client; throws `UpstreamUnavailable` when the server can't be started or reached. */
  client(): Promise<Client> {
    if (this.#closed) return Promise.reject(new UpstreamUnavailable(`upstream ${this.name} is shut down`));
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  /** Every tool the upstream offers (all pages), cached until it says the list changed. */
  tools(): Promise<Tool[]> {
    this.#tools ??= this.#listTools().catch((err: unknown) => {
      this.#tools = undefined;
      throw err;
    });
    return this.#tools;
  }

  /** Forgets the cached tool list (the next `tools()` asks again). */
  forgetTools(): void {
    this.#tools = undefined;
  }

  /**
   * Calls a tool. Rejects with the upstream's `McpError` (its JSON-RPC error), an `McpError`
   * ConnectionClosed/RequestTimeout when the connection died or the call ran past
   * `timeoutSeconds`, or `UpstreamUnavailable`.
   */
  async callTool(name: string, args: Record<string, unknown>, options: Pick<RequestOptions, "onprogress"> = {}): Promise<CallToolResult> {
    const client = await this.client();
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: this.config.timeoutMs,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: this.config.timeoutMs,
        ...options,
      })) as CallToolResult;
    } catch (err) {
      // A lost connection (or a transport failure over HTTP) means a fresh one next time.
      if (!(err instanceof McpError) || err.code === ErrorCode.ConnectionClosed || err.code === ErrorCode.RequestTimeout) this.#drop(client);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.close().catch(() => undefined);
  }

  async #connect(): Promise<Client> {
    const c = this.config;
    const client = new Client({ name: GATEWAY_NAME, version: GATEWAY_VERSION }, { capabilities: {} });
    const transport =
      c.kind === "stdio"
        ? new StdioClientTransport({ command: c.command, args: c.args, ...(c.env ? { env: c.env } : {}), cwd: c.cwd, stderr: "pipe" })
        : new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers: c.headers } });
    if (transport instanceof StdioClientTransport) this.#relayStderr(transport);
    client.onerror = (err) => this.#log(`upstream ${this.name}: ${err.message}`);
    client.onclose = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#tools = undefined;
      if (!this.#closed) this.#log(`upstream ${this.name} closed its connection; it is started again on the next call`);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.#tools = undefined;
      this.onToolsChanged?.();
    });
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
    } catch (err) {
      await client.close().catch(() => undefined);
      const how = c.kind === "stdio" ? `starting \`${c.command}\`` : `connecting to ${c.url}`;
      throw new UpstreamUnavailable(`upstream ${this.name} is unavailable (${how} failed: ${(err as Error).message})`, { cause: err });
    }
    if (this.#closed) {
      await client.close().catch(() => undefined);
      throw new UpstreamUnavailable(`upstream ${this.name} is shut down`);
    }
    this.#client = client;
    this.#transport = transport;
    this.#instructions = client.getInstructions();
    return client;
  }

  async #listTools(): Promise<Tool[]> {
    const client = await this.client();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const r = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: LIST_TIMEOUT_MS });
      tools.push(...r.tools);
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  #drop(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#tools = undefined;
    void client.close().catch(() => undefined);
  }

  #relayStderr(transport: StdioClientTransport): void {
    let buffered = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trimEnd();
        buffered = buffered.slice(nl + 1);
        if (line) this.#log(`[${this.name}] ${line}`);
      }
      if (buffered.length > 64 * 1024) buffered = "";
    });
  }
}
