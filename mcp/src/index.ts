// The Warden MCP gateway's public face: `startGateway` runs it as configured; the CLI
// (`warden-mcp --config FILE`) is a thin shell around it.
import type { Readable, Writable } from "node:stream";
import type { GatewayConfig } from "./config.ts";
import { Gateway, type GatewayOptions } from "./gateway.ts";
import { serveHttp } from "./listen-http.ts";
import { serveStdio } from "./listen-stdio.ts";
import { stderrLog } from "./log.ts";

export { actionNameFor } from "./action-name.ts";
export { callFingerprint } from "./call-fingerprint.ts";
export { checkToolArguments, MAX_ARGUMENT_DEPTH } from "./check-arguments.ts";
export { ConfigError, loadGatewayConfig, parseGatewayConfig, type GatewayConfig, type UpstreamConfig } from "./config.ts";
export { Gateway, TOOL_SEPARATOR, type GatewayOptions } from "./gateway.ts";
export { checkJsonRpc } from "./jsonrpc-check.ts";
export { META_KEY } from "./tool-results.ts";

export type RunningGateway = {
  gateway: Gateway;
  /** The Streamable HTTP endpoint (`http://host:port/mcp`) when listening on HTTP. */
  url?: string;
  /** Resolves when the stdio client closed its end (stdio mode only). */
  closed?: Promise<void>;
  close: () => Promise<void>;
};

/**
 * Starts the gateway: connects the upstreams, checks the agent keys with Warden, then serves
 * MCP on stdio or on Streamable HTTP as `config.listen` says. Throws `ConfigError` when Warden
 * rejects an agent key, or the listen port's error (e.g. EADDRINUSE).
 */
export async function startGateway(config: GatewayConfig, options: GatewayOptions & { stdin?: Readable; stdout?: Writable } = {}): Promise<RunningGateway> {
  const log = options.log ?? stderrLog;
  const gateway = new Gateway(config, { ...options, log });
  try {
    await gateway.start();
    if ("http" in config.listen) {
      const http = await serveHttp(gateway, config.listen.http, log);
      log(`serving MCP (Streamable HTTP) at ${http.url}`);
      return {
        gateway,
        url: http.url,
        close: async () => {
          await http.close();
          await gateway.close();
        },
      };
    }
    const { closed } = await serveStdio(gateway, { stdin: options.stdin, stdout: options.stdout });
    log("serving MCP on stdio");
    return { gateway, closed, close: () => gateway.close() };
  } catch (err) {
    await gateway.close();
    throw err;
  }
}
