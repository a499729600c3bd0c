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
});
