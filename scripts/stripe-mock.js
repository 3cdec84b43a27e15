// stripe-mock (Stripe's official API mock, a Go program): find it and run it on free loopback
// ports. Shared by `npm start` (development), the e2e server and the vitest setup.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const STRIPE_MOCK_VERSION = "v0.203.0";
export const STRIPE_MOCK_INSTALL = `go install github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}`;

/** STRIPE_MOCK_BIN, then PATH, then $(go env GOPATH)/bin; null when it is not installed. */
export function findStripeMock() {
  const fromEnv = process.env.STRIPE_MOCK_BIN;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, "stripe-mock");
    if (dir && fs.existsSync(file)) return file;
  }
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const file = path.join(gopath, "bin", "stripe-mock");
    if (gopath && fs.existsSync(file)) return file;
  } catch {
    // no Go on this machine
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts stripe-mock and resolves once it answers: `{ base, stop() }`. */
export async function startStripeMock(bin = findStripeMock()) {
  if (!bin) throw new Error(`stripe-mock is not installed: ${STRIPE_MOCK_INSTALL}, with $(go env GOPATH)/bin on PATH (or set STRIPE_MOCK_BIN)`);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  let log = "";
  const child = spawn(bin, ["-http-addr", `127.0.0.1:${httpPort}`, "-https-addr", `127.0.0.1:${httpsPort}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => (log = (log + d).slice(-4000)));
  child.stderr.on("data", (d) => (log = (log + d).slice(-4000)));
  const base = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stripe-mock exited with code ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${base}/v1/charges?limit=1`, { headers: { Authorization: "Bearer sk_test_123" } });
      if (res.ok) return { base, stop, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`stripe-mock did not answer at ${base} within 15 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
