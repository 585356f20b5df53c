import { logger } from "@/server/logger";

// `npm start`. Next's production server sets NODE_ENV=production as it loads; set it before any
// module loads so every library (React in the report emails included) loads one build. Whether
// the operator declared production decides whether AUTH_SECRET is mandatory (README).
const declaredProduction = process.env.NODE_ENV === "production";
Object.assign(process.env, { NODE_ENV: "production" });

try {
  const { serve } = await import("./serve");
  await serve({ declaredProduction });
} catch (err) {
  logger().fatal({ err }, "start failed");
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
