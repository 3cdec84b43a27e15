// The server that Playwright's `webServer` starts (playwright.config.ts): builds the app into
// CUNPIN_BUILD_DIR (default .cache/e2e-build) when the sources are newer than that build, makes
// a fresh database and upload folder in a temp directory, migrates, seeds the small data set and
// runs `node server.js` on PORT (loopback only). On SIGTERM/SIGINT it stops the server and
// removes the temp directory. The server's own log goes to .cache/e2e/server.log.
// Payments: a stripe-mock process is started on a free loopback port (binary from STRIPE_MOCK_BIN,
// the PATH or $(go env GOPATH)/bin) and the server gets STRIPE_API_BASE (all secrets are random per run),
// so checkout creates real PaymentIntents and the pay page offers its test-mode button. It is
// stopped with the server. Without the binary the server still runs (payments unavailable).
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIsStale } from "./build-state.js";
import { findStripeMock, startStripeMock, STRIPE_MOCK_INSTALL } from "./stripe-mock.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const port = process.env.PORT;
if (!port) {
  console.error("e2e-server: PORT must be set (playwright.config.ts picks a free one)");
  process.exit(2);
}
const buildDir = path.resolve(process.env.CUNPIN_BUILD_DIR ?? ".cache/e2e-build");
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `cunpin-e2e-${process.pid}-`));
const logDir = path.resolve(".cache/e2e");
fs.mkdirSync(logDir, { recursive: true });

// Payments run against a real stripe-mock (scripts/stripe-mock.js); without it the other journeys still run.
let stripeMock = null;
let stripeApiBase = process.env.STRIPE_API_BASE;
if (!stripeApiBase) {
  const bin = findStripeMock();
  if (!bin) {
    process.stderr.write(`e2e-server: stripe-mock not found, payments unavailable (${STRIPE_MOCK_INSTALL})\n`);
  } else {
    try {
      stripeMock = await startStripeMock(bin);
      stripeApiBase = stripeMock.base;
      process.stderr.write(`e2e-server: stripe-mock on ${stripeApiBase}\n`);
    } catch (error) {
      process.stderr.write(`e2e-server: stripe-mock did not start: ${error.message}\n`);
    }
  }
}
process.on("exit", () => stripeMock?.child.kill("SIGTERM"));

const env = {
  ...process.env,
  ...(stripeApiBase ? { STRIPE_API_BASE: stripeApiBase } : {}),
  // Random per run; the test-mode pay button signs its event with this webhook secret.
  STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? `whsec_${crypto.randomBytes(24).toString("base64url")}`,
  TRACE_KEY_SECRET: process.env.TRACE_KEY_SECRET ?? crypto.randomBytes(24).toString("base64url"),
  PICKUP_CODE_SECRET: process.env.PICKUP_CODE_SECRET ?? crypto.randomBytes(24).toString("base64url"),
  NODE_ENV: "production",
  CUNPIN_BUILD_DIR: buildDir,
  DATABASE_PATH: path.join(runDir, "cunpin.db"),
  UPLOAD_DIR: path.join(runDir, "uploads"),
  SESSION_SECRET: process.env.SESSION_SECRET ?? crypto.randomBytes(24).toString("hex"),
  HOST: "127.0.0.1",
  PORT: port,
  SEED_MODE: "small",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
};

function cleanup() {
  stripeMock?.child.kill("SIGTERM");
  fs.rmSync(runDir, { recursive: true, force: true });
}

function step(label, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`e2e-server: ${label} failed (exit ${r.status ?? r.signal})\n${r.stdout ?? ""}${r.stderr ?? ""}\n`);
    cleanup();
    process.exit(1);
  }
  process.stderr.write(`e2e-server: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

if (buildIsStale(root, buildDir)) step(`build into ${path.relative(root, buildDir)}`, "npx", ["remix", "build"]);

if (!fs.existsSync("seeds/cli.ts")) {
  process.stderr.write("e2e-server: seeds/cli.ts is missing, so the demo accounts cannot be created\n");
  cleanup();
  process.exit(1);
}
step("migrate", "npx", ["tsx", "db/migrate.ts"]);
step("seed --small", "npx", ["tsx", "seeds/cli.ts", "--small"]);

const log = fs.openSync(path.join(logDir, "server.log"), "w");
const server = spawn(process.execPath, ["server.js"], { env, stdio: ["ignore", log, log] });
process.stderr.write(`e2e-server: serving on http://127.0.0.1:${port} (log: .cache/e2e/server.log)\n`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    server.kill("SIGTERM");
    // server.js closes its listener and exits; do not wait forever on open connections.
    setTimeout(() => server.kill("SIGKILL"), 5000).unref();
  });
}
server.on("exit", (code, signal) => {
  cleanup();
  if (!stopping) process.stderr.write(`e2e-server: server exited unexpectedly (${code ?? signal}); see .cache/e2e/server.log\n`);
  process.exit(stopping ? 0 : (code ?? 1));
});
