/**
 * The production server (server.js) as child processes over one seeded database, for tests that
 * need real HTTP through the caches ahead of Remix (tests/integration/storefront-cache.test.ts).
 * Builds into CUNPIN_BUILD_DIR (default .cache/bench-build, shared with the benchmarks) when stale.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { buildIsStale } from "../../scripts/build-state.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type AppEnv = NodeJS.ProcessEnv;

/** Builds when stale, then migrates and seeds the small data set into a temp database. */
export function prepareSeededApp(name: string): { env: AppEnv; dir: string; cleanup: () => void } {
  const buildDir = path.resolve(root, process.env.CUNPIN_BUILD_DIR ?? ".cache/bench-build");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cunpin-${name}-`));
  const env: AppEnv = {
    ...process.env,
    NODE_ENV: "production",
    CUNPIN_BUILD_DIR: buildDir,
    DATABASE_PATH: path.join(dir, "cunpin.db"),
    UPLOAD_DIR: path.join(dir, "uploads"),
    SESSION_SECRET: crypto.randomBytes(24).toString("hex"),
    TRACE_KEY_SECRET: crypto.randomBytes(24).toString("hex"),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    SEED_MODE: "small",
  };
  const run = (args: string[]) => {
    const r = spawnSync(args[0], args.slice(1), { cwd: root, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  };
  if (buildIsStale(root, buildDir)) run(["npx", "remix", "build"]);
  run(["npx", "tsx", "seeds/cli.ts", "--small"]);
  return { env, dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export type RunningServer = { base: string; child: ChildProcess; output: () => string; stop: () => Promise<void> };

/** `node server.js` on a free port; resolves once /healthz answers. */
export async function startServer(env: AppEnv, extra: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ["server.js"], { cwd: root, env: { ...env, ...extra, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server.js exited:\n${out}`);
    try {
      if ((await get(`${base}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server.js not healthy:\n${out}`);
    await sleep(100);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { base, child, output: () => out, stop };
}

export type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One GET on a fresh connection (so that a cluster spreads them over its processes). */
export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on("error", reject);
  });
}
