/**
 * Trace page benchmark (issue 3, "Speed"): requests per second for a demo lot's trace page
 * GET /01/<GTIN-14>/10/<lot> at 50 concurrent kept-alive connections, against a BASELINE measured
 * in the same run: a bare node:http server returning the very same HTML bytes. Target: the app
 * with its trace page cache (server.js, ahead of Remix) reaches at least 0.5 of the baseline.
 * For comparison the same page is measured with the cache off (TRACE_PAGE_CACHE=off: every
 * request rendered by Remix with a fresh chain verification).
 *
 *   1. build into CUNPIN_BUILD_DIR (default .cache/bench-build) when the sources are newer
 *   2. seed the demo data set into a temp database; pick the published lot with the longest chain
 *   3. start the app twice (cache on / off) and the bare server, each on a free loopback port
 *   4. latency: median and p95 of 200 sequential requests on one kept-alive connection
 *   5. throughput: 50 connections, 5 s per server in 1 s slices alternating app and baseline
 *      (app, bare, bare, app, …); req/s = requests over time summed across the slices
 *   6. scans: after the servers stop (their exit flushes the in-memory counter), lot_scans must
 *      hold one scan per page served, cached hits included
 *   7. table on stdout, JSON in .cache/bench/trace-page.json; servers stopped, temp removed
 *
 * Requests carry no cookies and no Accept-Encoding, as both servers then send the same bytes.
 * Standalone: `npx tsx bench/trace-page.ts`; or through `npm run bench` (bench/run.ts).
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { get, sequentialLatency, throughput, type Latency, type Throughput } from "./lib/http";
import { freePort, startServer, stopAll, waitForHealthy } from "./lib/procs";
import { setting } from "./lib/settings";
import { formatTable, kb, ms, ratio } from "./lib/table";
import { prepareAppRun } from "./lib/app";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const SETTINGS = {
  sequentialRequests: setting("BENCH_SEQUENTIAL", 200, 5000),
  warmupRequests: 100,
  /**
   * The 5 s of load per server are split into this many slices, alternating app and baseline
   * (app, bare, bare, app, …), so that both see the same background load on a shared machine.
   */
  rounds: setting("BENCH_ROUNDS", 5, 20),
  concurrency: setting("BENCH_TRACE_CONCURRENCY", 50, 200),
  durationMs: setting("BENCH_DURATION_MS", 5000, 60_000),
  /** Upper bound on requests per throughput run, whatever the speed. */
  maxRequests: 1_000_000,
  target: 0.5,
};
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "info";
const DATA_SET = process.env.BENCH_DATA_SET === "small" ? "small" : "demo";

const outDir = path.resolve(".cache/bench");
const outFile = path.join(outDir, "trace-page.json");
// Build, migrate and seed in a temp directory (bench/lib/app.ts), filled in by prepare().
let env: NodeJS.ProcessEnv = { ...process.env };
let runDir = "";
let buildDir = "";
let cleanup = () => {};

function prepare(): void {
  ({ env, runDir, buildDir, cleanup } = prepareAppRun(root, "trace"));
}

type Lot = { batchId: number; gtin: string; lotCode: string; events: number };

/** The published demo lot with the longest chain (the page with the most to render). */
function demoLot(): Lot {
  const db = new Database(env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
  try {
    const lot = db
      .prepare(
        `select b.id as batchId, b.gtin, b.lot_code as lotCode,
                (select count(*) from trace_events e where e.batch_id = b.id) as events
         from batches b
         where b.gtin is not null
           and exists (select 1 from listing_batches lb join listings l on l.id = lb.listing_id
                       where lb.batch_id = b.id and l.status = 'published')
         order by events desc, b.id limit 1`,
      )
      .get() as Lot | undefined;
    if (!lot || lot.events === 0) throw new Error("bench: the demo seed has no published lot with a trace chain");
    return lot;
  } finally {
    db.close();
  }
}

function persistedScans(batchId: number): number {
  const db = new Database(env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("select coalesce(sum(count), 0) as n from lot_scans where batch_id = ?").get(batchId) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** GS1 Digital Link path; lot codes are percent-encoded except RFC 3986 unreserved characters. */
function tracePath(gtin: string, lot: string): string {
  const enc = [...Buffer.from(lot, "utf8")].map((b) => {
    const ch = String.fromCharCode(b);
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  });
  return `/01/${gtin}/10/${enc.join("")}`;
}

type Speed = { latency: Latency; throughput: Throughput; rounds: number[] };

async function latencyOf(url: string): Promise<Latency> {
  return sequentialLatency(url, { count: SETTINGS.sequentialRequests, warmup: SETTINGS.warmupRequests });
}

async function load(url: string, durationMs: number): Promise<Throughput> {
  const t = await throughput(url, { concurrency: SETTINGS.concurrency, durationMs, maxRequests: SETTINGS.maxRequests });
  if (t.errors || t.non200) throw new Error(`bench: ${url}: ${t.errors} errors, ${t.non200} non-200 answers under load`);
  return t;
}

/** Slices summed: total requests over total time. */
function combine(runs: Throughput[]): Throughput {
  const requests = runs.reduce((n, t) => n + t.requests, 0);
  const durationMs = runs.reduce((n, t) => n + t.durationMs, 0);
  return { rps: (requests * 1000) / durationMs, requests, non200: 0, errors: 0, durationMs, concurrency: SETTINGS.concurrency };
}

async function main() {
  prepare();
  const lot = demoLot();
  const pagePath = tracePath(lot.gtin, lot.lotCode);
  fs.mkdirSync(outDir, { recursive: true });
  const scansBefore = persistedScans(lot.batchId);

  const cachedPort = await freePort();
  const cached = startServer(
    process.execPath,
    ["server.js"],
    { ...env, PORT: String(cachedPort), TRACE_PAGE_CACHE: "on" },
    path.join(outDir, "trace-server.log"),
  );
  const uncachedPort = await freePort();
  const uncached = startServer(
    process.execPath,
    ["server.js"],
    { ...env, PORT: String(uncachedPort), TRACE_PAGE_CACHE: "off" },
    path.join(outDir, "trace-server-nocache.log"),
  );
  const cachedBase = `http://127.0.0.1:${cachedPort}`;
  const uncachedBase = `http://127.0.0.1:${uncachedPort}`;
  await waitForHealthy(`${cachedBase}/healthz`, cached);
  await waitForHealthy(`${uncachedBase}/healthz`, uncached);
  let served = 0; // trace page responses from the cached app (each one a scan)

  // The bytes the baseline serves: exactly what the app sends for this page.
  const first = await get(cachedBase + pagePath);
  served++;
  if (first.status !== 200) throw new Error(`bench: ${pagePath} answered ${first.status}`);
  const second = await get(cachedBase + pagePath);
  served++;
  if (second.headers["x-cunpin-cache"] !== "hit") throw new Error(`bench: the second request was not a cache hit (${second.headers["x-cunpin-cache"]})`);
  const plain = await get(uncachedBase + pagePath);
  if (plain.headers["x-cunpin-cache"] !== undefined) throw new Error("bench: TRACE_PAGE_CACHE=off still answered from the cache");
  const htmlFile = path.join(runDir, "trace.html");
  fs.writeFileSync(htmlFile, first.body);
  const routesFile = path.join(runDir, "routes.json");
  fs.writeFileSync(routesFile, JSON.stringify({ [pagePath]: htmlFile }));
  const barePort = await freePort();
  const bare = startServer(
    process.execPath,
    [path.join(root, "bench/lib/bare-server.mjs"), String(barePort), routesFile],
    env,
    path.join(outDir, "bare-server.log"),
  );
  const bareBase = `http://127.0.0.1:${barePort}`;
  await waitForHealthy(`${bareBase}/healthz`, bare);
  process.stderr.write(`bench: lot ${lot.gtin}/${lot.lotCode} (${lot.events} events), page ${kb(first.body.length)}\n`);

  const appUrl = cachedBase + pagePath;
  const bareUrl = bareBase + pagePath;
  process.stderr.write("bench: latency, app with trace page cache and bare node:http…\n");
  const appLatency = await latencyOf(appUrl);
  served += SETTINGS.warmupRequests + appLatency.n;
  const bareLatency = await latencyOf(bareUrl);
  const appRuns: Throughput[] = [];
  const bareRuns: Throughput[] = [];
  for (let round = 0; round < SETTINGS.rounds; round++) {
    const order = round % 2 === 0 ? (["app", "bare"] as const) : (["bare", "app"] as const);
    for (const which of order) {
      process.stderr.write(`bench: slice ${round + 1}/${SETTINGS.rounds}: ${which === "app" ? "app with trace page cache" : "bare node:http baseline"}…\n`);
      const slice = SETTINGS.durationMs / SETTINGS.rounds;
      if (which === "app") {
        const t = await load(appUrl, slice);
        served += t.requests;
        appRuns.push(t);
      } else bareRuns.push(await load(bareUrl, slice));
    }
  }
  const app: Speed = { latency: appLatency, throughput: combine(appRuns), rounds: appRuns.map((t) => Math.round(t.rps)) };
  const baseline: Speed = { latency: bareLatency, throughput: combine(bareRuns), rounds: bareRuns.map((t) => Math.round(t.rps)) };
  process.stderr.write("bench: app without cache (TRACE_PAGE_CACHE=off)…\n");
  const noCacheLatency = await latencyOf(uncachedBase + pagePath);
  const noCacheRun = await load(uncachedBase + pagePath, SETTINGS.durationMs);
  const noCache: Speed = { latency: noCacheLatency, throughput: noCacheRun, rounds: [Math.round(noCacheRun.rps)] };
  const noCacheServed = 1 + SETTINGS.warmupRequests + noCacheLatency.n + noCacheRun.requests;

  // The servers' exit flushes their in-memory scan counts; both write to the same lot.
  await stopAll();
  const recorded = persistedScans(lot.batchId) - scansBefore;
  const scans = { servedWithCache: served, servedWithoutCache: noCacheServed, recorded };

  const r = {
    rps: app.throughput.rps / baseline.throughput.rps,
    noCacheRps: noCache.throughput.rps / baseline.throughput.rps,
    latencyMedian: app.latency.medianMs / baseline.latency.medianMs,
    noCacheLatencyMedian: noCache.latency.medianMs / baseline.latency.medianMs,
  };
  const row = (label: string, s: Speed) => [label, ms(s.latency.medianMs), ms(s.latency.p95Ms), s.throughput.rps.toFixed(0), s.rounds.join(" / ")];
  console.log(
    `\nTrace page ${pagePath} (${lot.events} events, ${kb(first.body.length)} HTML). ` +
      `${SETTINGS.sequentialRequests} sequential requests after ${SETTINGS.warmupRequests} warm-up; ` +
      `req/s: ${SETTINGS.concurrency} connections for ${SETTINGS.durationMs / 1000} s per server in ${SETTINGS.rounds} alternating slices; ` +
      `${os.cpus().length} CPUs shared by client and servers, load average ${os.loadavg()[0].toFixed(1)}\n`,
  );
  console.log(
    formatTable(
      ["server", "median", "p95", "req/s", "slices (req/s)"],
      [
        row("app, trace page cache", app),
        row("app, no cache (Remix render)", noCache),
        row("bare node:http, same bytes", baseline),
        ["cached app / bare", ratio(r.latencyMedian), "", ratio(r.rps), ""],
        ["uncached app / bare", ratio(r.noCacheLatencyMedian), "", ratio(r.noCacheRps), ""],
      ],
    ),
  );
  console.log(
    `\nTarget: cached / bare ≥ ${SETTINGS.target} → ${r.rps >= SETTINGS.target ? "met" : "NOT met"} (${ratio(r.rps)}).` +
      `\nScans recorded in lot_scans: ${scans.recorded} for ${scans.servedWithCache + scans.servedWithoutCache} pages served ` +
      `(${scans.servedWithCache} by the cached app, most of them cache hits; ${scans.servedWithoutCache} rendered by Remix).`,
  );
  if (scans.recorded !== scans.servedWithCache + scans.servedWithoutCache) throw new Error("bench: the scan counter lost or invented scans");

  const summary = {
    header: ["benchmark", "app req/s", "bare req/s", "req/s ratio", "median ratio", "HTML gzip", "JS gzip"],
    rows: [
      ["trace-page: /01/…/10/… cached", app.throughput.rps.toFixed(0), baseline.throughput.rps.toFixed(0), ratio(r.rps), ratio(r.latencyMedian), "", ""],
      [
        "trace-page: /01/…/10/… no cache",
        noCache.throughput.rps.toFixed(0),
        baseline.throughput.rps.toFixed(0),
        ratio(r.noCacheRps),
        ratio(r.noCacheLatencyMedian),
        "",
        "",
      ],
    ],
  };
  const report = {
    name: "trace-page",
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadavg: os.loadavg(),
    },
    settings: { ...SETTINGS, logLevel: LOG_LEVEL, buildDir: path.relative(root, buildDir), dataSet: DATA_SET },
    lot: { ...lot, path: pagePath, htmlBytes: first.body.length },
    app,
    noCache,
    baseline,
    ratio: r,
    targetMet: r.rps >= SETTINGS.target,
    scans,
    summary,
  };
  fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nbench: wrote ${path.relative(root, outFile)}`);
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    cleanup();
  });
