// The README is what a newcomer reads first: its links must work in a clone (it once linked to
// ../shared/API.md, outside the repository), and the settings the scripts read must be in it
// (issue #17 §15, §16).
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** Markdown text without fenced code blocks and inline code spans, where `[x](y)` isn't a link. */
const prose = (md: string) => md.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

/** GitHub's heading anchors of a Markdown file: lower-cased, punctuation dropped, spaces → hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, title] of md.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = title!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every relative link target in `file` that doesn't resolve to a file (and heading) in the repository. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(read(file)).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto: … — not a file
    const [rel = "", hash] = target!.split("#");
    const resolved = rel === "" ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(rel));
    if (path.relative(root, resolved).startsWith("..")) broken.push(`${target} (outside the repository)`);
    else if (!existsSync(resolved)) broken.push(`${target} (no such file)`);
    else if (hash && statSync(resolved).isFile() && resolved.endsWith(".md") && !anchors(readFileSync(resolved, "utf8")).has(hash)) broken.push(`${target} (no such heading)`);
  }
  return broken;
}

describe("README.md", () => {
  it("links only to files (and headings) inside the repository", () => {
    expect(brokenLinks("README.md")).toEqual([]);
  });

  it("points to an API reference that lives in the repository: both parts of the contract and the generated OpenAPI", () => {
    const md = read("README.md");
    expect(md).toContain("](docs/API-part-1.md)");
    expect(md).toContain("](docs/API.md)");
    expect(md).toContain("/api/openapi.json");
    expect(md).not.toMatch(/\.\.\/shared\//);
    expect(brokenLinks("docs/API.md")).toEqual([]);
    expect(brokenLinks("docs/API-part-1.md")).toEqual([]);
  });

  it("names every environment variable that starting, testing and the demo read", () => {
    const md = read("README.md");
    const sources = ["playwright.config.ts", "scripts/start.mjs", "scripts/test.mjs", "scripts/tool-env.mjs", "scripts/demo-agents.ts", "scripts/demo/find-warden.ts"];
    const names = new Set(sources.flatMap((f) => [...read(f).matchAll(/(?:process\.)?env\.([A-Z][A-Z0-9_]+)|"([A-Z][A-Z0-9_]+)" in env/g)].map((m) => (m[1] ?? m[2])!)));
    // Not settings: what npm, Node and CI set themselves.
    for (const internal of ["NODE_ENV", "CI"]) names.delete(internal);
    expect([...names].filter((n) => !md.includes(`\`${n}\``)).sort()).toEqual([]);
  });
});
