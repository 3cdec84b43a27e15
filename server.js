// Production HTTP server: Express in front of the Remix request handler.
// Static assets are served with long caching; uploaded photos from UPLOAD_DIR.
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import path from "node:path";
import pino from "pino";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "cunpin", component: "http" } });
const buildDir = process.env.CUNPIN_BUILD_DIR;
const build = await import(path.resolve(buildDir ? `${buildDir}/index.js` : "build/index.js"));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const uploadDir = path.resolve(process.env.UPLOAD_DIR ?? "data/uploads");

const app = express();
app.disable("x-powered-by");
app.use(compression());

// Structured access log, one JSON line per request.
app.use((req, res, next) => {
  const start = process.hrtime.bigint();
  res.on("finish", () => {
    if (req.path.startsWith("/build/")) return;
    log.info({
      method: req.method,
      url: req.originalUrl,
      status: res.statusCode,
      ms: Number(process.hrtime.bigint() - start) / 1e6,
    });
  });
  next();
});

// The client address for login throttling comes from the socket, never from the client.
app.use((req, _res, next) => {
  req.headers["x-cunpin-remote-address"] = req.socket.remoteAddress ?? "unknown";
  next();
});

app.use("/build", express.static(buildDir ? `${buildDir}/assets` : "public/build", { immutable: true, maxAge: "1y" }));
app.use("/uploads", express.static(uploadDir, { immutable: true, maxAge: "1y", fallthrough: false }));
app.use(express.static("public", { maxAge: "1h" }));

app.all("*", createRequestHandler({ build, mode: build.mode }));

app.use((err, _req, res, _next) => {
  if (err?.status === 404 || err?.statusCode === 404) return res.status(404).send("Not found");
  log.error({ err }, "express error");
  res.status(500).send("Internal Server Error");
});

const server = app.listen(port, host, () => {
  log.info({ port: server.address().port }, `Cunpin listening on http://localhost:${server.address().port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
