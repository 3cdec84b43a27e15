/**
 * Vitest globalSetup: one real stripe-mock process for the whole run, on free ports of 127.0.0.1.
 * Tests reach it through STRIPE_API_BASE (process.env, inherited by the test workers, and
 * inject("stripeApiBase")). The binary: STRIPE_MOCK_BIN, else `stripe-mock` on the PATH, else
 * $(go env GOPATH)/bin/stripe-mock — `npm test` (scripts/ensure-tools.sh) installs it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

declare module "vitest" {
  export interface ProvidedContext {
    stripeApiBase: string;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export function findStripeMock(): string | null {
  const fromEnv = process.env.STRIPE_MOCK_BIN;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  const found = onPath("stripe-mock");
  if (found) return found;
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const file = path.join(gopath, "bin", "stripe-mock");
    if (gopath && fs.existsSync(file)) return file;
  } catch {
    // no Go
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`stripe-mock exited with code ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${base}/v1/charges?limit=1`, { headers: { Authorization: "Bearer sk_test_123" } });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`stripe-mock did not answer at ${base} within 15 s:\n${output()}`);
}

export default async function setup({ provide }: { provide: (key: "stripeApiBase", value: string) => void }) {
  const bin = findStripeMock();
  if (!bin) {
    throw new Error(
      "stripe-mock is not installed, and the payment tests run against it.\n" +
        "  Run `npm test` (scripts/ensure-tools.sh installs it), or: go install github.com/stripe/stripe-mock@v0.203.0\n" +
        "  and put $(go env GOPATH)/bin on your PATH (or set STRIPE_MOCK_BIN).",
    );
  }
  const httpPort = await freePort();
  const httpsPort = await freePort();
  let log = "";
  const child = spawn(bin, ["-http-addr", `127.0.0.1:${httpPort}`, "-https-addr", `127.0.0.1:${httpsPort}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr?.on("data", (d) => (log = (log + d).slice(-4000)));
  const base = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntilAnswering(base, child, () => log);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  process.env.STRIPE_API_BASE = base;
  provide("stripeApiBase", base);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
}
