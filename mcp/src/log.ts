/** Where the gateway writes what it has to say: never stdout, which is the MCP channel in stdio mode. */
export type Log = (line: string) => void;

export const stderrLog: Log = (line) => {
  process.stderr.write(`[warden-mcp] ${line}\n`);
};
