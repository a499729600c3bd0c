// `warden-mcp --config FILE` (also `npm run mcp:gateway -- --config FILE`): the MCP gateway.
// stdout belongs to the MCP client in stdio mode, so everything else goes to stderr.
import { parseArgs } from "node:util";
import { ConfigError, loadGatewayConfig } from "./config.ts";
import { startGateway } from "./index.ts";
import { stderrLog } from "./log.ts";

const USAGE = `Usage: warden-mcp --config FILE

Governs every MCP tool call with Warden: each tools/call becomes the Warden action
mcp.<upstream>.<tool> (arguments as input), asked as the upstream's agent key; denied calls
never reach the upstream, calls that need a human wait for the decision.

FILE (JSON):
  {"warden": {"url": "http://127.0.0.1:3000"},
   "listen": {"stdio": true} | {"http": {"host": "127.0.0.1", "port": 3333}},
   "upstreams": [{"name": "fs", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp/x"], "agentKey": "wdn_…"},
                 {"name": "web", "url": "http://127.0.0.1:4000/mcp", "agentKey": "env:WARDEN_WEB_KEY"}]}
`;

async function main(): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { config: { type: "string", short: "c" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`--config FILE is required\n\n${USAGE}`);
    return 2;
  }
  let running: Awaited<ReturnType<typeof startGateway>>;
  try {
    running = await startGateway(await loadGatewayConfig(values.config));
  } catch (err) {
    stderrLog(err instanceof ConfigError ? err.message : `could not start: ${(err as Error).message}`);
    return err instanceof ConfigError ? 2 : 1;
  }
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    void running.closed?.then(() => resolve());
  });
  await stopped;
  await running.close();
  return 0;
}

process.exitCode = await main();
// Upstream children and sockets are closed; anything left (a stuck long-poll) must not keep us alive.
setTimeout(() => process.exit(), 2000).unref();
