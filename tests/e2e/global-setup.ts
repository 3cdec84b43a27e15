/**
 * Runs once after the webServer is up: fails fast, with a clear message, when the server is
 * not healthy or the demo accounts are missing, instead of letting every journey time out.
 */
import type { FullConfig } from "@playwright/test";
import { sweepStaleRunDirs } from "./global-teardown";

export default async function globalSetup(config: FullConfig): Promise<void> {
  sweepStaleRunDirs();
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error("playwright.config.ts has no baseURL");

  const health = await fetch(`${baseURL}/healthz`);
  const body = (await health.json().catch(() => null)) as { database?: { reachable?: boolean } } | null;
  if (health.status !== 200 || !body?.database?.reachable) {
    throw new Error(`${baseURL}/healthz is not healthy: ${health.status} ${JSON.stringify(body)}`);
  }

  // The demo buyer must exist: a plain form POST, as a browser without JavaScript sends it.
  const res = await fetch(`${baseURL}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ phone: "13800000001", password: "cunpin123", redirectTo: "/" }),
    redirect: "manual",
  });
  if (res.status !== 302 && res.status !== 303) {
    throw new Error(`demo buyer 13800000001 cannot log in (HTTP ${res.status}): did \`tsx seeds/cli.ts --small\` run?`);
  }
}
