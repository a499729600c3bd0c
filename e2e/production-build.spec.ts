import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

// A production build is only the app: the benchmark's Next.js reference route exists in bench
// builds alone (next.config.ts, `*.bench.ts`), so the built route manifest doesn't list it and
// the running server doesn't answer it.
test("the production build has no benchmark route", async ({ request }) => {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next/server/app-paths-manifest.json"), "utf8")) as Record<string, string>;
  expect(Object.keys(manifest).length).toBeGreaterThan(10);
  expect(Object.keys(manifest).filter((route) => route.includes("/bench"))).toEqual([]);
  const res = await request.post("/api/bench/actions", { data: { action: "x" } });
  expect(res.status()).toBe(404);
});
