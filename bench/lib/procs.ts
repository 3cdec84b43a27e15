/** Child processes for benchmarks: free loopback ports, servers that are always stopped. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { get } from "./http";

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

/** Runs a command to completion; its output goes to the log, and to stderr when it fails. */
export function runStep(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`bench: ${label} failed (exit ${r.status ?? r.signal})\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  }
  process.stderr.write(`bench: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

const running = new Set<ChildProcess>();

/** Starts a server process with its output appended to logFile. */
export function startServer(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, "a");
  const child = spawn(cmd, args, { env, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

export async function waitForHealthy(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`bench: server exited before ${url} answered`);
    try {
      if ((await get(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`bench: ${url} not healthy after ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after 5 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stopServer));
}

/** Stops every server started here when the bench is interrupted. */
export function stopAllOnSignal(cleanup: () => void): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill("SIGKILL");
      cleanup();
      process.exit(130);
    });
  }
}
