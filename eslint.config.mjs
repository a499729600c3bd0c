import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

const THROUGH_INDEX_MESSAGE = "Import another lib/ folder through its index.ts (its public face), not its internals.";
// From inside lib/: `../<folder>/<file>.ts` other than index.ts (lib/ids.ts, a root module, is fine).
const THROUGH_INDEX_LIB = { regex: "^\\.\\./[^/]+/(?!index\\.ts$)[^/]+$", message: THROUGH_INDEX_MESSAGE };
// From app/, components/, scripts/, bench/: `@/lib/<folder>/<file>` or `…/lib/<folder>/<file>`.
const THROUGH_INDEX_OUTSIDE = { regex: "(^@|\\.)/lib/[^/]+/(?!index\\.ts$)[^/]+$", message: THROUGH_INDEX_MESSAGE };

const config = [
  { ignores: [".next/**", "node_modules/**", "lib/db/generated/**", ".data*/**", ".next-bench/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  ...nextVitals,
  ...nextTs,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // A lib/ folder's face is its index.ts: other folders import only that (DESIGN.md).
    files: ["lib/**/*.ts"],
    ignores: ["lib/db/generated/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [THROUGH_INDEX_LIB] }] },
  },
  {
    files: ["app/**/*.{ts,tsx}", "scripts/**/*.ts", "bench/**/*.ts", "server.ts", "proxy.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [THROUGH_INDEX_OUTSIDE] }] },
  },
  {
    // The browser never gets the database: client code can't import the data layer.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            THROUGH_INDEX_OUTSIDE,
            { group: ["@/lib/db*", "**/lib/db/**", "pg", "@prisma/*"], message: "Database access belongs on the server (lib/ via route handlers)." },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "e2e/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
];

export default config;
