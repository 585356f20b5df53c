import pino from "pino";

let instance: pino.Logger | undefined;

/** One structured logger per process; level from LOG_LEVEL (silent in tests). */
export function logger(): pino.Logger {
  instance ??= pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "rcc" } });
  return instance;
}
