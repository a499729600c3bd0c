import http from "node:http";
import https from "node:https";

const MAX_ANSWER_BYTES = 1024 * 1024; // Warden's answers are small; anything bigger is not Warden
const NULL_BODY = new Set([204, 205, 304]);

/**
 * A `fetch` for the Warden SDK over node:http with keep-alive agents. Every tool call makes
 * two requests to Warden; the platform's fetch (undici, web streams, an AbortSignal per
 * request) cost about 1 ms of CPU per call more than this on our 2-core machines — a fifth of
 * the gateway's latency budget. It supports what the SDK uses: method, headers, a string
 * body, an AbortSignal, and an answer read with `text()`. Rejects on network errors, on abort
 * (with the signal's reason) and on an answer over 1 MiB. `close` drops the kept-alive sockets.
 */
export function keepAliveFetch(): { fetch: typeof fetch; close: () => void } {
  const agents = { "http:": new http.Agent({ keepAlive: true, maxSockets: 64 }), "https:": new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  const close = () => Object.values(agents).forEach((a) => a.destroy());
  const fetch: typeof globalThis.fetch = (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== "http:" && url.protocol !== "https:") return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason as Error);
      const body = typeof init.body === "string" ? init.body : undefined;
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const transport = url.protocol === "https:" ? https : http;
      const req = transport.request(url, { method: init.method ?? "GET", headers, agent: agents[url.protocol] }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`Warden's answer is over ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          const status = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode <= 599 ? res.statusCode : 502;
          resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks).toString("utf8"), { status }));
        });
        res.on("error", fail);
        res.on("aborted", () => fail(new Error("the connection closed before the answer was complete")));
      });
      function fail(err: Error) {
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? (signal.reason as Error) : err);
      }
      function onAbort() {
        req.destroy(signal!.reason as Error);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.end(body);
    });
  return { fetch, close };
}
