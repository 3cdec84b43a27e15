/**
 * A built, migrated and seeded app in a temp directory, for the benchmarks that serve pages.
 * Shared so that every page benchmark builds, seeds and configures the server the same way.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIsStale } from "../../scripts/build-state.js";
import { runStep, stopAllOnSignal } from "./procs";

export type AppRun = { env: NodeJS.ProcessEnv; runDir: string; buildDir: string; dataSet: "demo" | "small"; cleanup: () => void };

export function prepareAppRun(root: string, name: string): AppRun {
  const dataSet = process.env.BENCH_DATA_SET === "small" ? "small" : "demo";
  const buildDir = path.resolve(process.env.CUNPIN_BUILD_DIR ?? ".cache/bench-build");
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `cunpin-bench-${name}-${process.pid}-`));
  const cleanup = () => fs.rmSync(runDir, { recursive: true, force: true });
  stopAllOnSignal(cleanup);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    CUNPIN_BUILD_DIR: buildDir,
    DATABASE_PATH: path.join(runDir, "cunpin.db"),
    UPLOAD_DIR: path.join(runDir, "uploads"),
    SESSION_SECRET: crypto.randomBytes(24).toString("hex"),
    TRACE_KEY_SECRET: crypto.randomBytes(24).toString("hex"),
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    SEED_MODE: dataSet,
  };
  if (buildIsStale(root, buildDir)) runStep(`build into ${path.relative(root, buildDir)}`, "npx", ["remix", "build"], env);
  else process.stderr.write(`bench: reusing the build in ${path.relative(root, buildDir)}\n`);
  // BENCH_LISTINGS=N adds N generated listings (seeds/bulk-data.ts): the page benches at 10×, 100× data.
  const bulk = process.env.BENCH_LISTINGS ? ["--listings", String(Number(process.env.BENCH_LISTINGS))] : [];
  runStep(
    `migrate and seed the ${dataSet} data set${bulk.length ? ` + ${bulk[1]} listings` : ""}`,
    "npx",
    ["tsx", "seeds/cli.ts", ...(dataSet === "small" ? ["--small"] : []), ...bulk],
    env,
  );
  return { env, runDir, buildDir, dataSet, cleanup };
}
