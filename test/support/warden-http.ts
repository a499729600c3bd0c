import http from "node:http";
import type { AddressInfo } from "node:net";
import * as keysRoute from "../../app/api/keys/[purpose]/route.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";

/** Warden as the SDK sees it: the data plane at /v1 and the keys route at /api/keys/{purpose}. */
export async function startWarden(): Promise<{ base: string; keyFetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith("/v1/")) return void handleDataPlane(req, res);
    const m = /^\/api\/keys\/([^/?]+)/.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    fetches++;
    void keysRoute.GET(new Request(`http://localhost${req.url}`), { params: Promise.resolve({ purpose: m[1]! }) }).then(async (r) => {
      res.writeHead(r.status, { "content-type": "application/json" }).end(await r.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, keyFetches: () => fetches, close: () => new Promise<void>((r) => server.close(() => r())) };
}
