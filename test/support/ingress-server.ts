import http from "node:http";
import type { AddressInfo } from "node:net";
import { ingress, type ProxyTrust } from "../../lib/http/index.ts";

type WebHandler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * A loopback HTTP server that runs lib/http's ingress as server.ts does, then hands the
 * request to a route handler the way Next.js would (a web Request), so tests see what a
 * route sees behind Warden's real front door.
 */
export async function startIngressServer(trust: ProxyTrust, handler: WebHandler): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (ingress(req, res, trust)) return;
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
      const response = await handler(new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method: req.method, headers, body }), { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
