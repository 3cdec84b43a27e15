// `npm start`: build if needed, migrate, seed an empty database, then serve on PORT (default 3000).
// Secrets not set in the environment are generated once into data/secrets.json (core/secrets.js).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildIsStale } from "./build-state.js";
import { resolveSecrets } from "../core/secrets.js";
import { findStripeMock, startStripeMock, STRIPE_MOCK_INSTALL } from "./stripe-mock.js";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
process.env.NODE_ENV ??= "production";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Payments talk to stripe-mock in development: start it when it is installed and no Stripe API is
// configured. Everything but paying works without it.
if (!process.env.STRIPE_API_BASE) {
  const bin = findStripeMock();
  if (bin) {
    const stripeMock = await startStripeMock(bin);
    process.env.STRIPE_API_BASE = stripeMock.base;
    console.log(`stripe-mock on ${stripeMock.base}`);
    process.on("exit", () => stripeMock.child.kill("SIGTERM"));
  } else {
    console.log(`stripe-mock not found: browsing works, paying does not (${STRIPE_MOCK_INSTALL})`);
  }
}

// Before anything slow: refuses to go on when production talks to the real Stripe API without its
// secrets; otherwise creates the secrets file on the first start, so the steps below share it.
try {
  resolveSecrets(process.env);
} catch (error) {
  console.error(`Cunpin cannot start: ${error.message}`);
  process.exit(1);
}

const buildDir = path.resolve(process.env.CUNPIN_BUILD_DIR ?? "build");
if (buildIsStale(root, buildDir)) run("npx", ["remix", "build"]);

run("npx", ["tsx", "db/migrate.ts"]);
run("npx", ["tsx", "scripts/backfill-parcels.ts"]);
run("npx", ["tsx", "scripts/reload-agri-inputs.ts"]);
run("npx", ["tsx", "seeds/cli.ts", "--if-empty"]);
await import(path.join(root, "server.js"));
