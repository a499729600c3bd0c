import { describe, expect, it } from "vitest";
import { parseTrustedProxies, resolveClient } from "../../lib/http/index.ts";
import { readEnv } from "../../lib/config/index.ts";

const none = parseTrustedProxies(undefined);

describe("resolveClient (WARDEN_TRUSTED_PROXIES)", () => {
  it("without trusted proxies the client is the TCP peer and the host is Host, whatever the headers say", () => {
    expect(resolveClient({ peer: "192.0.2.10", forwardedFor: "6.6.6.6", forwardedHost: "evil.example", forwardedProto: "https", host: "warden:3000" }, none)).toEqual({
      ip: "192.0.2.10",
      host: "warden:3000",
      proto: null,
    });
  });
  it("unwraps IPv4-mapped IPv6 peers", () => {
    expect(resolveClient({ peer: "::ffff:192.0.2.10" }, none).ip).toBe("192.0.2.10");
  });
  it("walks X-Forwarded-For from the right past trusted hops only", () => {
    const trust = parseTrustedProxies("10.0.0.0/8, ::1");
    const input = { peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 198.51.100.7", "10.0.0.9"], forwardedHost: "warden.example.com, other", forwardedProto: "HTTPS" };
    expect(resolveClient(input, trust)).toEqual({ ip: "198.51.100.7", host: "warden.example.com", proto: "https" });
    expect(resolveClient({ peer: "::1", forwardedFor: "garbage, 10.0.0.3" }, trust).ip).toBe("10.0.0.3");
    expect(resolveClient({ peer: "10.0.0.2", forwardedFor: "10.0.0.5, 10.0.0.4" }, trust).ip).toBe("10.0.0.5");
    expect(resolveClient({ peer: "10.0.0.2" }, trust)).toMatchObject({ ip: "10.0.0.2" });
  });
  it("a peer outside the list is the client even when it sends forwarding headers", () => {
    const trust = parseTrustedProxies("10.0.0.1");
    expect(resolveClient({ peer: "10.0.0.2", forwardedFor: "1.2.3.4", forwardedHost: "x" , host: "h" }, trust)).toEqual({ ip: "10.0.0.2", host: "h", proto: null });
  });
  it("parses addresses and CIDRs and refuses anything else (also at start, through readEnv)", () => {
    expect(parseTrustedProxies(" 10.0.0.1 , 172.16.0.0/12, [::1], fd00::/8, ::ffff:10.0.0.0/104 ").ranges).toHaveLength(5);
    for (const bad of ["10", "0x0a000001", "10.0.0.0/33", "proxy.internal", "10.0.0.1/"]) {
      expect(() => parseTrustedProxies(bad), bad).toThrow();
      expect(() => readEnv({ WARDEN_TRUSTED_PROXIES: bad }), bad).toThrow(/WARDEN_TRUSTED_PROXIES/);
    }
    expect(readEnv({ WARDEN_TRUSTED_PROXIES: "10.0.0.1, fd00::/8" }).WARDEN_TRUSTED_PROXIES).toBe("10.0.0.1, fd00::/8");
  });
});
