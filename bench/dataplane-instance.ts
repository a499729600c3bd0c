// A Warden data plane (/v1, as server.ts mounts it) in its own process on DATABASE_URL, for
// benchmarks that need several instances without a Next.js build. Prints `PORT <n>`.
// Bench-only: GET /__bench/batches answers the group commit's batch-size histogram.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleDataPlane } from "../lib/dataplane/index.ts";
import { batchStats } from "../lib/decisions/index.ts";
import { ensureSigningKey } from "../lib/signing/index.ts";

// Decisions are signed (receipts): the key `npm start`'s jobs would otherwise have made sure of.
ensureSigningKey("receipts");
const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__bench/batches") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(batchStats()));
    return;
  }
  void handleDataPlane(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
// Keep-alive connections would hold the close for their 65 s timeout: end them now.
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
