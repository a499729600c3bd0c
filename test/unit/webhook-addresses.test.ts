import { describe, expect, it } from "vitest";
import { addressAllowed, hostNameForbidden, lookupFailureOf, parseAllowList } from "../../lib/webhooks/address-guard.ts";

const none = parseAllowList(undefined);

describe("webhook address guard", () => {
  it("allows global unicast addresses only", () => {
    for (const ok of ["93.184.215.14", "8.8.8.8", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "::ffff:93.184.215.14"]) expect(addressAllowed(ok, none), ok).toBe(true);
    const refused = [
      "127.0.0.1", "127.255.0.9", "::1", // loopback
      "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1", // RFC 1918
      "169.254.0.1", "fe80::1", "fe80::1%eth0", // link-local
      "fc00::1", "fd12:3456::1", // unique-local
      "0.0.0.0", "0.1.2.3", "::", // unspecified
      "100.64.0.1", "100.127.255.254", // carrier-grade NAT
      "169.254.169.254", "fd00:ec2::254", // metadata
      "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", // IPv4-mapped
      "::7f00:1", "64:ff9b::7f00:1", "2002:7f00:1::", // IPv4-compatible, NAT64, 6to4
      "224.0.0.1", "255.255.255.255", "240.0.0.1", "ff02::1", // multicast, broadcast, reserved
      "not an address", "",
    ];
    for (const bad of refused) expect(addressAllowed(bad, none), bad).toBe(false);
  });

  it("lets the allow-list admit addresses and ranges, but never a metadata endpoint", () => {
    const allow = parseAllowList("10.0.0.0/8, 127.0.0.1, ::ffff:192.168.0.0/112, hooks.intranet, 169.254.0.0/16, fd00::/8");
    expect(addressAllowed("10.9.8.7", allow)).toBe(true);
    expect(addressAllowed("::ffff:10.9.8.7", allow)).toBe(true);
    expect(addressAllowed("127.0.0.1", allow)).toBe(true);
    expect(addressAllowed("127.0.0.2", allow)).toBe(false);
    expect(addressAllowed("192.168.4.4", allow)).toBe(true);
    expect(addressAllowed("172.16.0.1", allow)).toBe(false);
    expect(addressAllowed("169.254.1.1", allow)).toBe(true);
    expect(addressAllowed("169.254.169.254", allow)).toBe(false);
    expect(addressAllowed("fd00:ec2::254", allow)).toBe(false);
    expect(addressAllowed("169.254.169.254", allow, true)).toBe(false); // even for an allow-listed name
    expect(addressAllowed("192.168.9.9", none, true)).toBe(true); // an allow-listed name may resolve inside
    expect([...allow.hosts]).toEqual(["hooks.intranet"]);
    expect(() => parseAllowList("10.0.0.0/40")).toThrow(/CIDR/);
    expect(() => parseAllowList("hooks intranet")).toThrow(/host name/);
  });

  it("refuses localhost and metadata names before any lookup", () => {
    for (const h of ["localhost", "LOCALHOST.", "api.localhost", "metadata.google.internal", "Metadata.Google.Internal."]) expect(hostNameForbidden(h), h).toBe(true);
    expect(hostNameForbidden("localhost", true)).toBe(false);
    expect(hostNameForbidden("metadata.google.internal", true)).toBe(true);
    expect(hostNameForbidden("hooks.example.com")).toBe(false);
  });

  it("tells a name with no address from a lookup that failed, whatever the resolver threw", () => {
    for (const code of ["ENOTFOUND", "ENODATA", "EAI_NONAME", "EAI_NODATA"]) expect(lookupFailureOf(Object.assign(new Error(code), { code })), code).toBe("not_found");
    for (const code of ["EAI_AGAIN", "ESERVFAIL", "ETIMEOUT", "ECONNREFUSED"]) expect(lookupFailureOf(Object.assign(new Error(code), { code })), code).toBe("lookup_failed");
    expect(lookupFailureOf(new Error("no code"))).toBe("lookup_failed");
    expect(lookupFailureOf("not an error")).toBe("lookup_failed");
  });
});
