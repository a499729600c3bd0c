// Issue #10 §7: configuration mistakes are refused at start — a redaction key that differs
// from the one the database was first started with, a port that is taken — and a failed
// start leaves no embedded PostgreSQL running.
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { assertPortFree, checkKeyFingerprint, keyFingerprint, listenOn, prepare } from "../../lib/boot/index.ts";
import { readEnv } from "../../lib/config/index.ts";
import { closeDb, pool } from "../../lib/db/index.ts";
import { redactionKey } from "../../lib/redaction/index.ts";

const saved = { ...process.env };
afterEach(async () => {
  await closeDb();
  for (const k of ["NEXTAUTH_SECRET", "WARDEN_REDACTION_KEY", "DATABASE_URL"] as const) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** Holds a port the way another program would; returns it and a release. */
async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "0.0.0.0", r));
  const port = (srv.address() as net.AddressInfo).port;
  return { port, release: () => new Promise<void>((r) => srv.close(() => r())) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the redaction key's fingerprint", () => {
  it("is recorded on first start, matched on the next, and a different key refuses to start saying what to set", async () => {
    expect(await checkKeyFingerprint()).toBe("recorded");
    const { rows } = await pool().query("SELECT fingerprint FROM key_fingerprints WHERE name = 'redaction'");
    expect(rows[0].fingerprint).toBe(keyFingerprint(redactionKey()));
    expect(rows[0].fingerprint).not.toContain(process.env.NEXTAUTH_SECRET);
    expect(await checkKeyFingerprint()).toBe("matched");

    // The case: a second instance with its own generated NEXTAUTH_SECRET.
    process.env.NEXTAUTH_SECRET = "another-instance-secret-0123456789abcdefgh";
    await expect(checkKeyFingerprint()).rejects.toThrow(/derives its redaction key from NEXTAUTH_SECRET, and that is not the secret this database was first started with[\s\S]*Set WARDEN_REDACTION_KEY .* or NEXTAUTH_SECRET to the value the other instances use/);

    // An explicit key that differs names WARDEN_REDACTION_KEY.
    process.env.WARDEN_REDACTION_KEY = "a-redaction-key-of-thirty-two-characters-or-more";
    await expect(checkKeyFingerprint()).rejects.toThrow(/WARDEN_REDACTION_KEY here is not the key this database was first started with/);
  });

  it("two instances starting together on an empty database agree on one fingerprint", async () => {
    await pool().query("DELETE FROM key_fingerprints");
    const outcomes = await Promise.all([checkKeyFingerprint(), checkKeyFingerprint(), checkKeyFingerprint()]);
    expect(outcomes.sort()).toEqual(["matched", "matched", "recorded"]);
  });
});

describe("the port", () => {
  it("a taken port is reported as 'port N is in use; set PORT' before anything starts", async () => {
    const held = await holdPort();
    try {
      await expect(assertPortFree(held.port, "0.0.0.0")).rejects.toThrow(new RegExp(`^port ${held.port} is in use; set PORT`));
      const server = http.createServer();
      await expect(listenOn(server, held.port, "0.0.0.0")).rejects.toThrow(`port ${held.port} is in use; set PORT`);
    } finally {
      await held.release();
    }
    await expect(assertPortFree(held.port, "0.0.0.0")).resolves.toBeUndefined();
  });

  it("prepare checks the port first: nothing is started, not even the data directory's database", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "warden-boot-"));
    const held = await holdPort();
    try {
      const env = readEnv({ WARDEN_DATA_DIR: dir, WARDEN_SEED_DEMO: "false", PORT: String(held.port) });
      await expect(prepare(env, () => undefined, { listen: { port: held.port, host: "0.0.0.0" } })).rejects.toThrow(`port ${held.port} is in use; set PORT`);
      expect(existsSync(path.join(dir, "pg"))).toBe(false);
      expect(existsSync(path.join(dir, "secrets.json"))).toBe(false);
    } finally {
      await held.release();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a failed start stops the embedded PostgreSQL it started", () => {
  it("an instance whose key doesn't match the database refuses to start and leaves no PostgreSQL behind", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "warden-boot-"));
    await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data dir
    const env = readEnv({ WARDEN_DATA_DIR: dir, WARDEN_SEED_DEMO: "false", WARDEN_ADMIN_PASSWORD: "boot-test-password-123" });
    const pidFile = path.join(dir, "pg", "postmaster.pid");
    try {
      delete process.env.DATABASE_URL;
      await closeDb();
      const first = await prepare(env, () => undefined);
      expect(first.embedded).toBe(true);
      expect(first.firstAdmin).not.toBeNull();
      const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
      expect(alive(pid)).toBe(true);
      await closeDb();
      await first.stopDatabase();
      expect(alive(pid)).toBe(false);

      // The same data directory, the database's key recorded; this instance has another one.
      delete process.env.DATABASE_URL;
      process.env.NEXTAUTH_SECRET = "a-second-instance-secret-0123456789abcdef";
      await expect(prepare(env, () => undefined)).rejects.toThrow(/redaction key doesn't match this database/);
      expect(existsSync(pidFile)).toBe(false);
    } finally {
      await closeDb();
      if (existsSync(pidFile)) process.kill(Number((await readFile(pidFile, "utf8")).split("\n")[0]), "SIGINT");
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
