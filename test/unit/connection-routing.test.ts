import { fork } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { connectionKind, routeConnections } from "../../lib/cluster/index.ts";

const kind = (s: string) => connectionKind(Buffer.from(s, "latin1"));

describe("connectionKind (the primary's routing of a new connection by its first request line)", () => {
  it("sends agents' requests (/v1/…) to the data plane and every other target to the control plane", () => {
    expect(kind("POST /v1/actions HTTP/1.1\r\n")).toBe("data");
    expect(kind("GET /v1/agent HTTP/1.1\r\n")).toBe("data");
    expect(kind("GET /v1/")).toBe("data");
    expect(kind("POST /api/cohorts/pricing/halt HTTP/1.1\r\n")).toBe("control");
    expect(kind("GET / HTTP/1.1\r\n")).toBe("control");
    expect(kind("GET /v1 HTTP/1.1\r\n")).toBe("control"); // server.ts routes only "/v1/…" to the data plane
    expect(kind("GET /v1x/ HTTP/1.1\r\n")).toBe("control");
    expect(kind("GET /V1/actions HTTP/1.1\r\n")).toBe("control");
    expect(kind("GET http://warden/v1/actions HTTP/1.1\r\n")).toBe("control"); // absolute form: as server.ts sees its url
  });

  it("waits while the request line is too short to tell, and never waits forever", () => {
    for (const partial of ["", "P", "POST", "POST ", "POST /", "POST /v", "POST /v1"]) expect(kind(partial), JSON.stringify(partial)).toBeNull();
    expect(kind("GET /\r")).toBe("control");
    expect(kind("GET / ")).toBe("control");
    // Not a request line: no space within a method's length, or a line break first → control (its worker answers 400).
    expect(kind("X".repeat(25))).toBe("control");
    expect(kind("garbage\n")).toBe("control");
    expect(kind("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003" + "x".repeat(30))).toBe("control"); // a TLS ClientHello
  });
});

/** Connects to `port`, writes `text`, and resolves with what came back once the server closed the connection. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let got = "";
    socket.setEncoding("latin1");
    socket.on("data", (c: string) => (got += c));
    socket.on("close", () => resolve(got));
    socket.on("error", reject);
    socket.write(text);
  });
}

describe("routeConnections (the primary's listener), on real sockets", () => {
  it("answers 503 unavailable with Retry-After when no worker can take a connection, and closes it", async () => {
    const router = routeConnections(() => null);
    await new Promise<void>((r) => router.server.listen(0, "127.0.0.1", r));
    try {
      const port = (router.server.address() as net.AddressInfo).port;
      // A request with a body the primary never reads: the close must come from the primary all the same.
      const answer = await exchange(port, "POST /v1/actions HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\nhello");
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toMatch(/retry-after: 1/i);
      expect(JSON.parse(answer.split("\r\n\r\n")[1]!)).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
      // …and lets go of it too (it stopped reading, so it can't see the client's close: a leak per refused connection otherwise).
      const open = () => new Promise<number>((r) => router.server.getConnections((_err, n) => r(n)));
      await expect.poll(open, { timeout: 5_000 }).toBe(0);
    } finally {
      router.close();
    }
  });

  it("closes the connections a worker took no receipt for once that worker is gone", async () => {
    const worker = fork(path.resolve(import.meta.dirname, "../fixtures/silent-worker.mjs"), { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const arrived: boolean[] = [];
    await new Promise<void>((resolve) =>
      worker.on("message", (m: { cmd: string; withSocket?: boolean }) => {
        if (m.cmd === "up") resolve();
        if (m.cmd === "arrived") arrived.push(Boolean(m.withSocket));
      }),
    );
    const router = routeConnections(() => worker as never);
    await new Promise<void>((r) => router.server.listen(0, "127.0.0.1", r));
    try {
      const port = (router.server.address() as net.AddressInfo).port;
      const answers = [exchange(port, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"), exchange(port, "GET /v1/agent HTTP/1.1\r\nHost: x\r\n\r\n")];
      // The first reached the worker, which never acknowledges it (node sends the next only after that one's receipt).
      await expect.poll(() => arrived.length).toBeGreaterThan(0);
      expect(arrived[0]).toBe(true);
      const exited = new Promise((r) => worker.once("exit", r));
      worker.kill("SIGKILL");
      await exited;
      router.abandon(worker as never); // what the supervisor does on its worker's exit
      // Both clients see their connection closed (nothing answered), rather than hanging.
      expect(await Promise.all(answers)).toEqual(["", ""]);
    } finally {
      router.close();
      if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    }
  });
});
