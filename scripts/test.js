// `npm test`: the one command that runs every test.
//   1. scripts/ensure-tools.sh: Chromium and stripe-mock present (installed when possible)
//   2. lint: ESLint and Prettier's check
//   3. vitest: unit and integration tests
//   4. Playwright: browser journeys against a freshly built and seeded server
// Its last line is always `N passed, N failed` (vitest + Playwright). A runner that crashes,
// or reports nothing, counts as a failure; the exit code is non-zero when anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const reportDir = path.resolve(".cache/test-reports");
fs.mkdirSync(reportDir, { recursive: true });
const vitestJson = path.join(reportDir, "vitest.json");
const playwrightJson = path.join(reportDir, "playwright.json");

let passed = 0;
let failed = 0;

function finish() {
  // Nothing may be printed after this line.
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

// ── 1. tools ──────────────────────────────────────────────────────────────
const tools = spawnSync("bash", ["scripts/ensure-tools.sh", "--print-env"], {
  stdio: ["ignore", "pipe", "inherit"],
  encoding: "utf8",
});
if (tools.status !== 0) {
  console.error("npm test: required tools are missing (see above); no tests were run.");
  failed += 1;
  finish();
}
for (const line of tools.stdout.split("\n")) {
  const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
  if (m) process.env[m[1]] = m[2];
}
if (process.env.STRIPE_MOCK_BIN) {
  // Later tests start stripe-mock by name.
  process.env.PATH = `${path.dirname(process.env.STRIPE_MOCK_BIN)}${path.delimiter}${process.env.PATH}`;
}

// ── 2. lint ───────────────────────────────────────────────────────────────
// ESLint and Prettier's check (`npm run lint`); a failure counts as one failed test.
{
  const lint = spawnSync("npm", ["run", "--silent", "lint"], { stdio: "inherit" });
  if (lint.status === 0) console.log("lint: ok");
  else {
    console.log("lint: failed (run `npm run lint`; `npm run format` fixes formatting)");
    failed += 1;
  }
}

// ── 3. vitest ─────────────────────────────────────────────────────────────
fs.rmSync(vitestJson, { force: true });
const vitest = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`], { stdio: "inherit" });
{
  const report = readJson(vitestJson);
  let p = 0;
  let f = 0;
  if (report) {
    p = report.numPassedTests ?? 0;
    f = report.numFailedTests ?? 0;
    // A test file that fails to load (syntax error, import error) has no failed tests but a failed suite.
    const brokenFiles = (report.testResults ?? []).filter(
      (r) => r.status === "failed" && !(r.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    f += brokenFiles;
  }
  if (vitest.status !== 0 && f === 0) f = 1; // crashed, or reported nothing: never a silent pass
  console.log(`vitest: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}

// ── 4. Playwright ─────────────────────────────────────────────────────────
fs.rmSync(playwrightJson, { force: true });
const playwright = spawnSync("npx", ["playwright", "test"], {
  stdio: "inherit",
  env: { ...process.env, CUNPIN_PLAYWRIGHT_JSON: playwrightJson },
});
{
  const report = readJson(playwrightJson);
  let p = 0;
  let f = 0;
  if (report?.stats) {
    // flaky = failed once, passed on retry (CI only): it passed.
    p = (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
    f = report.stats.unexpected ?? 0;
    // Errors outside tests (webServer, globalSetup, a spec that does not load) fail the run.
    if (f === 0 && (report.errors ?? []).length > 0) f = report.errors.length;
  }
  if (playwright.status !== 0 && f === 0) f = 1;
  console.log(`playwright: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}

finish();
