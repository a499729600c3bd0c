import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolRequest,
  type CallToolResult,
  type Progress,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { Warden, WardenError } from "../../sdk/src/index.ts";
import { checkToolArguments } from "./check-arguments.ts";
import { RpcError } from "./rpc-error.ts";
import { ConfigError, type GatewayConfig } from "./config.ts";
import { Governor } from "./governor.ts";
import { keepAliveFetch } from "./http-fetch.ts";
import { stderrLog, type Log } from "./log.ts";
import { Upstream } from "./upstream.ts";
import { GATEWAY_NAME, GATEWAY_VERSION } from "./version.ts";

export const TOOL_SEPARATOR = "__";

export type GatewayOptions = {
  log?: Log;
  /** Long-poll length (s) while a call waits for a human; a progress notification follows each. Default 10. */
  pollSeconds?: number;
};

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The MCP gateway: one MCP server face (any number of client sessions) over the configured
 * upstream servers, every tool call governed by Warden as the upstream's agent.
 *
 * Only tools pass through: the gateway offers the `tools` capability alone, so resources,
 * prompts, completions and logging requests are answered "Method not found" (-32601). They
 * would reach upstreams without a Warden decision — a resource read is as good as a file
 * read — so they are declined rather than passed through ungoverned.
 */
export class Gateway {
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly #config: GatewayConfig;
  readonly #log: Log;
  readonly #governor: Governor;
  readonly #wardens = new Map<string, Warden>();
  readonly #servers = new Set<Server>();
  readonly #closeFetch: () => void;

  constructor(config: GatewayConfig, options: GatewayOptions = {}) {
    this.#config = config;
    this.#log = options.log ?? stderrLog;
    const pollSeconds = options.pollSeconds ?? 10;
    const upstreams = new Map<string, Upstream>();
    const { fetch, close } = keepAliveFetch();
    this.#closeFetch = close;
    for (const u of config.upstreams) {
      const upstream = new Upstream(u, this.#log);
      upstream.onToolsChanged = () => this.#toolsChanged();
      upstreams.set(u.name, upstream);
      this.#wardens.set(u.name, new Warden({ url: config.warden.url, apiKey: u.agentKey, timeoutMs: config.warden.timeoutMs ?? 5000, waitSeconds: pollSeconds, fetch }));
    }
    this.upstreams = upstreams;
    this.#governor = new Governor({ wardenFor: (up) => this.#wardens.get(up.name)!, pollSeconds, log: this.#log });
  }

  /** Calls that are open: running, waiting for a human, or parked until a client retries. */
  get openCalls(): number {
    return this.#governor.openCalls;
  }

  /**
   * Connects every upstream and checks each agent key with Warden (`GET /v1/agent`). An
   * upstream that can't start is logged and tried again on use. Throws `ConfigError` when
   * Warden does not know an agent key; Warden being unreachable is logged (calls are refused
   * until it answers).
   */
  async start(): Promise<void> {
    await Promise.all(
      [...this.upstreams.values()].map(async (up) => {
        try {
          const tools = await up.tools();
          this.#log(`upstream ${up.name}: ${tools.length} tools`);
        } catch (err) {
          this.#log(`${(err as Error).message}`);
        }
      }),
    );
    for (const [name, warden] of this.#wardens) {
      try {
        const me = await warden.whoami();
        this.#log(`upstream ${name} acts as Warden agent ${me.name} (cohort ${me.cohort})${me.status === "halted" ? ` — HALTED: ${me.haltReason ?? ""}` : ""}`);
      } catch (err) {
        if (err instanceof WardenError && err.status === 401) throw new ConfigError(`Warden at ${this.#config.warden.url} does not accept the agent key of upstream "${name}"`);
        this.#log(`Warden is not answering at ${this.#config.warden.url} (${(err as Error).message}); tool calls are refused until it does`);
      }
    }
  }

  /** A new MCP server face for one client session (stdio, or one Streamable HTTP session). */
  createServer(): Server {
    const only = this.upstreams.size === 1 ? [...this.upstreams.values()][0] : undefined;
    const server = new Server(
      { name: GATEWAY_NAME, version: GATEWAY_VERSION, title: "Warden MCP gateway" },
      { capabilities: { tools: { listChanged: true } }, ...(only?.instructions ? { instructions: only.instructions } : {}) },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.listTools() }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => this.#callTool(request, extra));
    server.onclose = () => this.#servers.delete(server);
    this.#servers.add(server);
    return server;
  }

  /** Every upstream's tools; with several upstreams named `<upstream>__<tool>`. An unreachable upstream is left out (and logged). */
  async listTools(): Promise<Tool[]> {
    const prefixed = this.upstreams.size > 1;
    const lists = await Promise.all(
      [...this.upstreams.values()].map(async (up) => {
        try {
          return (await up.tools()).map((t) => (prefixed ? { ...t, name: `${up.name}${TOOL_SEPARATOR}${t.name}` } : t));
        } catch (err) {
          this.#log(`tools/list: leaving out upstream ${up.name}: ${(err as Error).message}`);
          return [];
        }
      }),
    );
    return lists.flat();
  }

  /** Stops serving, sends the result reports still on their way, then stops the upstreams. */
  async close(): Promise<void> {
    this.#governor.shutdown();
    await Promise.all([...this.#servers].map((s) => s.close().catch(() => undefined)));
    await this.#governor.drain();
    await Promise.all([...this.upstreams.values()].map((u) => u.close()));
    this.#closeFetch();
  }

  /**
   * One `tools/call`. Errors are JSON-RPC errors a client can act on — -32602 for arguments the
   * gateway can't pass on (checkToolArguments) or an unknown tool — never a JavaScript message:
   * anything unexpected is logged and answered -32603 with a fixed text.
   */
  async #callTool(request: CallToolRequest, extra: Extra): Promise<CallToolResult> {
    try {
      return await this.#governedCall(request, extra);
    } catch (err) {
      if (err instanceof RpcError || err instanceof McpError || extra.signal.aborted) throw err;
      this.#log(`internal error on tools/call ${request.params.name}: ${(err as Error)?.stack ?? String(err)}`);
      throw new RpcError(ErrorCode.InternalError, "The Warden MCP gateway failed on this call; see its log");
    }
  }

  async #governedCall(request: CallToolRequest, extra: Extra): Promise<CallToolResult> {
    const { name, arguments: args = {} } = request.params;
    checkToolArguments(args);
    const { upstream, tool } = await this.#resolve(name);
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    let upstreamBase: number | undefined;
    const notify = (p: Omit<Progress, "progressToken">) => {
      if (progressToken === undefined) return;
      progress = p.progress;
      extra.sendNotification({ method: "notifications/progress", params: { progressToken, ...p } }).catch(() => undefined);
    };
    return this.#governor.call(
      { upstream, tool, args },
      {
        signal: extra.signal,
        onWaiting: (message) => notify({ progress: progress + 1, message }),
        // Progress must only grow: the upstream's count continues after ours.
        onProgress: (p) => {
          upstreamBase ??= progress + 1;
          notify({ progress: upstreamBase + p.progress, ...(p.total !== undefined ? { total: upstreamBase + p.total } : {}), ...(p.message ? { message: p.message } : {}) });
        },
      },
    );
  }

  /** The upstream and its own tool name for a listed name; unknown tools are -32602, as MCP specifies. */
  async #resolve(name: string): Promise<{ upstream: Upstream; tool: string }> {
    let upstream: Upstream | undefined;
    let tool = name;
    if (this.upstreams.size === 1) upstream = [...this.upstreams.values()][0];
    else {
      const at = name.indexOf(TOOL_SEPARATOR);
      if (at > 0) {
        upstream = this.upstreams.get(name.slice(0, at));
        tool = name.slice(at + TOOL_SEPARATOR.length);
      }
    }
    if (!upstream) throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const offered = async () => {
      try {
        return (await upstream.tools()).some((t) => t.name === tool);
      } catch (err) {
        throw new RpcError(ErrorCode.InternalError, `${(err as Error).message}`);
      }
    };
    if (!(await offered())) {
      upstream.forgetTools(); // it may have gained the tool since we asked
      if (!(await offered())) throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    return { upstream, tool };
  }

  #toolsChanged(): void {
    for (const server of this.#servers) server.sendToolListChanged().catch(() => undefined);
  }
}
