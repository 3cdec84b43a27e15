/**
 * Lighthouse benchmark (issue 14 §6): mobile performance and accessibility scores of the listing
 * page and a lot's trace page, served by the built production server (`node server.js`) over the
 * demo data, with Lighthouse 12.2.3 (runs on Node 20) driving Debian's Chromium
 * (CHROME_PATH=/usr/bin/chromium, --headless=new --no-sandbox --disable-gpu). Target: ≥ 95 each.
 *
 * Lighthouse is a devDependency to be pinned at 12.2.3; until it is installed this looks for it in
 * node_modules, then in npm's cache (`npx --offline`: nothing is downloaded), and otherwise prints
 * "skipped: lighthouse not installed" and records the rows as skipped (exit 0).
 *
 *   npx tsx bench/lighthouse.ts      (CHROME_PATH overrides the browser)
 */
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prepareAppRun } from "./lib/app";
import { runIfMain } from "./lib/main";
import { freePort, startServer, stopAll, waitForHealthy } from "./lib/procs";
import { formatTable } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const VERSION = "12.2.3";
const TARGET = 95;
const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu";

/** The command that runs Lighthouse 12.2.3 without downloading anything, or null. */
function findLighthouse(): string[] | null {
  const local = path.join(root, "node_modules/lighthouse/cli/index.js");
  if (fs.existsSync(local)) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "node_modules/lighthouse/package.json"), "utf8")) as { version: string };
    if (pkg.version !== VERSION) process.stderr.write(`bench: node_modules has lighthouse ${pkg.version}, not ${VERSION}\n`);
    return [process.execPath, local];
  }
  const probe = spawnSync("npx", ["--yes", "--offline", `lighthouse@${VERSION}`, "--version"], { encoding: "utf8", timeout: 60_000 });
  if (probe.status === 0 && probe.stdout.trim() === VERSION) return ["npx", "--yes", "--offline", `lighthouse@${VERSION}`];
  return null;
}

type Scores = { page: string; url: string; performance: number; accessibility: number };

function pagesOf(databasePath: string): { page: string; path: string }[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const listingId = db.prepare(`select id from listings where status = 'published' order by id limit 1`).pluck().get() as number;
    const lot = db
      .prepare(
        `select b.gtin, b.lot_code as lotCode from batches b
         where b.gtin is not null and exists (select 1 from listing_batches lb join listings l on l.id = lb.listing_id
                                             where lb.batch_id = b.id and l.status = 'published')
         order by (select count(*) from trace_events e where e.batch_id = b.id) desc, b.id limit 1`,
      )
      .get() as { gtin: string; lotCode: string };
    const lotPath = [...Buffer.from(lot.lotCode, "utf8")]
      .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
      .join("");
    return [
      { page: "listing", path: `/listings/${listingId}` },
      { page: "trace", path: `/01/${lot.gtin}/10/${lotPath}` },
    ];
  } finally {
    db.close();
  }
}

export async function run() {
  const lighthouse = findLighthouse();
  const header = ["benchmark", "value", "baseline", "target", "ok"];
  if (!lighthouse) {
    console.log(`skipped: lighthouse not installed (add lighthouse@${VERSION} to devDependencies)`);
    return {
      name: "lighthouse",
      skipped: true,
      summary: { header, rows: [[`lighthouse ${VERSION}: listing and trace pages, mobile`, "skipped: not installed", "", `≥ ${TARGET}`, ""]] },
    };
  }
  const app = prepareAppRun(root, "lighthouse");
  try {
    const port = await freePort();
    const outDir = path.join(root, ".cache/bench");
    fs.mkdirSync(outDir, { recursive: true });
    const server = startServer(process.execPath, ["server.js"], { ...app.env, PORT: String(port) }, path.join(outDir, "lighthouse-server.log"));
    const base = `http://127.0.0.1:${port}`;
    await waitForHealthy(`${base}/healthz`, server);
    const results: Scores[] = [];
    for (const p of pagesOf(app.env.DATABASE_PATH!)) {
      const report = path.join(app.runDir, `${p.page}.json`);
      const [cmd, ...args] = lighthouse;
      const r = spawnSync(
        cmd,
        [
          ...args,
          base + p.path,
          "--quiet",
          "--output=json",
          `--output-path=${report}`,
          "--only-categories=performance,accessibility",
          "--form-factor=mobile",
          `--chrome-flags=${CHROME_FLAGS}`,
        ],
        { env: { ...process.env, CHROME_PATH }, encoding: "utf8", timeout: 180_000 },
      );
      if (r.status !== 0) throw new Error(`bench: lighthouse failed for ${p.path} (exit ${r.status ?? r.signal})\n${r.stderr}`);
      const json = JSON.parse(fs.readFileSync(report, "utf8")) as { categories: Record<string, { score: number | null }> };
      fs.copyFileSync(report, path.join(outDir, `lighthouse-${p.page}.json`));
      results.push({
        page: p.page,
        url: p.path,
        performance: Math.round((json.categories.performance.score ?? 0) * 100),
        accessibility: Math.round((json.categories.accessibility.score ?? 0) * 100),
      });
    }
    await stopAll();
    console.log(`\nLighthouse ${VERSION}, mobile, ${CHROME_PATH} (${CHROME_FLAGS})\n`);
    console.log(
      formatTable(
        ["page", "performance", "accessibility"],
        results.map((r) => [`${r.page} ${r.url}`, String(r.performance), String(r.accessibility)]),
      ),
    );
    const rows = results.flatMap((r) =>
      (["performance", "accessibility"] as const).map((c) => [
        `lighthouse: ${r.page} page, mobile ${c}`,
        String(r[c]),
        "",
        `≥ ${TARGET}`,
        r[c] >= TARGET ? "yes" : "NO",
      ]),
    );
    return { name: "lighthouse", version: VERSION, chrome: CHROME_PATH, results, summary: { header, rows } };
  } finally {
    await stopAll();
    app.cleanup();
  }
}

runIfMain(import.meta.url, "lighthouse", run);
