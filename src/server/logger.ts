import pino from "pino";
import { logLevel } from "@/server/env";

let instance: pino.Logger | undefined;

/** One structured logger per process; level from LOG_LEVEL (silent in tests). */
export function logger(): pino.Logger {
  instance ??= pino({ level: logLevel(), base: { app: "rcc" } });
  return instance;
}
