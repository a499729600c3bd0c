#!/usr/bin/env node
// The `warden-mcp` command: runs the gateway's TypeScript through tsx (a dependency), printing
// nothing on stdout — in stdio mode that is the MCP channel.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
