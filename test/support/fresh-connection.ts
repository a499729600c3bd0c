import http from "node:http";

/**
 * POST /v1/actions on a connection of its own (no keep-alive), so a multi-worker instance's
 * round robin hands consecutive requests to different workers. Resolves with the status, the
 * JSON body and the `x-warden-worker` header (test/support/cluster-instance.ts); rejects when
 * the connection fails (a worker killed mid-request) or no answer came in 20 s.
 */
export function askFresh(base: string, apiKey: string, body: unknown): Promise<{ status: number; json: any; worker: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/v1/actions`, {
      method: "POST",
      agent: false,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, worker: String(res.headers["x-warden-worker"] ?? "") });
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    // A request a dead worker never answers fails like a reset one, instead of hanging the test.
    req.setTimeout(20_000, () => req.destroy(new Error("no answer in 20 s")));
    req.end(payload);
  });
}
