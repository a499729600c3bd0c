import { describe, expect, it } from "vitest";
import { readEnv } from "../../lib/config/index.ts";

describe("environment validation", () => {
  it("applies the documented defaults", () => {
    const env = readEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.WARDEN_DATA_DIR).toBe(".data");
    expect(env.WARDEN_SEED_DEMO).toBe(true);
    expect(env.DATABASE_URL).toBeUndefined();
  });
  it("reads WARDEN_SEED_DEMO=false as off", () => {
    expect(readEnv({ WARDEN_SEED_DEMO: "false" }).WARDEN_SEED_DEMO).toBe(false);
  });
  it("refuses bad values with a message naming the variable", () => {
    expect(() => readEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => readEnv({ WARDEN_ADMIN_PASSWORD: "short" })).toThrow(/WARDEN_ADMIN_PASSWORD/);
    expect(() => readEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });
  it("takes a webhook allow-list of host names, addresses and CIDRs, and refuses anything else", () => {
    expect(readEnv({ WARDEN_WEBHOOK_ALLOWED_HOSTS: "hooks.intranet, 10.0.0.0/8, 127.0.0.1, ::1, fd00::/8" }).WARDEN_WEBHOOK_ALLOWED_HOSTS).toContain("hooks.intranet");
    for (const bad of ["10.0.0.0/33", "http://hooks.intranet", "hooks intranet", "*.intranet"]) {
      expect(() => readEnv({ WARDEN_WEBHOOK_ALLOWED_HOSTS: bad }), bad).toThrow(/WARDEN_WEBHOOK_ALLOWED_HOSTS/);
    }
  });
  it("takes phone regions libphonenumber knows, and refuses unknown ones at start", () => {
    expect(readEnv({ WARDEN_PHONE_REGION: "us, ca" }).WARDEN_PHONE_REGION).toBe("us, ca");
    expect(() => readEnv({ WARDEN_PHONE_REGION: "XX" })).toThrow(/WARDEN_PHONE_REGION: .*"XX"/);
    expect(() => readEnv({ WARDEN_PHONE_REGION: " , " })).toThrow(/WARDEN_PHONE_REGION/);
  });
});
