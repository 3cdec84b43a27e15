/**
 * Browser journeys (tests/e2e). `npx playwright test` builds, seeds and serves the app itself:
 * the `webServer` below runs scripts/e2e-server.js on a free loopback port, with a fresh
 * database in a temp directory, and stops it at the end. Set CUNPIN_E2E_BASE_URL to test an
 * already running server instead.
 */
import { defineConfig, devices } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";

// Chosen once in the runner process; workers load this file again and inherit the variable,
// so they all agree on the port.
if (!process.env.CUNPIN_E2E_BASE_URL && !process.env.CUNPIN_E2E_PORT) {
  process.env.CUNPIN_E2E_PORT = execFileSync(
    process.execPath,
    ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"],
    { encoding: "utf8" },
  ).trim();
}
const external = process.env.CUNPIN_E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${process.env.CUNPIN_E2E_PORT}`;

// Debian's Chromium when present (CI installs it with apt-get); otherwise Playwright's own build.
const chromiumPath = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  // Room for a busy 2-core machine (CI, or the suite beside other work): journeys wait on what the
  // page shows, so a longer ceiling costs nothing when the machine is idle.
  timeout: isCI ? 90_000 : 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  forbidOnly: isCI,
  retries: isCI ? 1 : 0,
  workers: isCI ? 1 : 2,
  reporter: [["list"], ["json", { outputFile: process.env.CUNPIN_PLAYWRIGHT_JSON ?? ".cache/test-reports/playwright.json" }]],
  globalSetup: "./tests/e2e/global-setup.ts",
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: external
    ? undefined
    : {
        command: "node scripts/e2e-server.js",
        url: `${baseURL}/healthz`,
        env: { PORT: process.env.CUNPIN_E2E_PORT! },
        // A cold build plus seeding takes a while on a fresh clone.
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: "ignore",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      },
});
