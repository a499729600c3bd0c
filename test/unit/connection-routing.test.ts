import { describe, expect, it } from "vitest";
import { connectionKind } from "../../lib/cluster/index.ts";

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
