/** Structured JSON logs (pino) on stdout. */
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { app: "cunpin" },
  redact: ["req.headers.cookie", "password", "*.password"],
});
