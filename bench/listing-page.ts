/**
 * Listing page benchmark: what a buyer's phone downloads for /listings/<id> and for the market
 * search /listings?q=苹果, and how fast the production server (`node server.js`: Express,
 * compression, Remix SSR, SQLite) answers them, against a BASELINE measured in the same run:
 * a bare node:http server returning the very same HTML bytes. Ratios against that baseline
 * say how much the whole stack costs on this machine, whatever the machine.
 *
 *   1. build into CUNPIN_BUILD_DIR (default .cache/bench-build) when the sources are newer
 *   2. seed the demo data set into a temp database; start the app and the bare server on free
 *      loopback ports
 *   3. page weight: HTML and every script/modulepreload URL it names, raw and gzip -6, plus
 *      what the server really sends with Accept-Encoding: gzip
 *   4. latency: median and p95 of 200 sequential requests on one kept-alive connection
 *   5. throughput: 20 concurrent kept-alive connections for 5 s
 *   6. table on stdout, JSON in .cache/bench/listing-page.json; servers stopped, temp removed
 *
 * Load requests carry no Accept-Encoding (both servers send the same bytes); the app is also
 * measured with `Accept-Encoding: gzip`, as browsers send it. Run with `npm run bench`.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { get, sequentialLatency, throughput, type Latency, type Throughput } from "./lib/http";
import { freePort, startServer, stopAll, waitForHealthy } from "./lib/procs";
import { setting } from "./lib/settings";
import { formatTable, kb, ms, ratio } from "./lib/table";
import { prepareAppRun } from "./lib/app";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const SETTINGS = {
  sequentialRequests: setting("BENCH_SEQUENTIAL", 200, 5000),
  warmupRequests: 20,
  concurrency: setting("BENCH_CONCURRENCY", 20, 200),
  durationMs: setting("BENCH_DURATION_MS", 5000, 60_000),
  /** Upper bound on requests per throughput run, whatever the speed. */
  maxRequests: 500_000,
  gzipLevel: 6,
};
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "info";
/** `demo` (default) or `small`, the CI set. */
const DATA_SET = process.env.BENCH_DATA_SET === "small" ? "small" : "demo";

const outDir = path.resolve(".cache/bench");
const outFile = path.join(outDir, "listing-page.json");
// Build, migrate and seed in a temp directory (bench/lib/app.ts), filled in by prepare().
let env: NodeJS.ProcessEnv = { ...process.env };
let runDir = "";
let buildDir = "";
let cleanup = () => {};

function prepare(): void {
  ({ env, runDir, buildDir, cleanup } = prepareAppRun(root, "listing"));
}

/** A published demo listing: the first one the seed wrote (洛川红富士苹果, two photos, same-producer suggestions). */
function publishedListingId(): number {
  const db = new Database(env.DATABASE_PATH!, { readonly: true, fileMustExist: true });
  try {
    const id = db.prepare("select id from listings where status = 'published' order by id limit 1").pluck().get() as number | undefined;
    if (!id) throw new Error("bench: the demo seed has no published listing");
    return id;
  } finally {
    db.close();
  }
}

// ── page weight ─────────────────────────────────────────────────────────────
type Asset = { url: string; raw: number; gzip: number; sent: number; sentEncoding: string };
type Weight = {
  html: Asset;
  js: { files: Asset[]; raw: number; gzip: number; sent: number };
  css: { files: Asset[]; raw: number; gzip: number; sent: number };
};

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i").exec(tag)?.[1];
}

/** The scripts a page loads: <script src>, <link rel=modulepreload>, and imports in inline module scripts. */
function scriptUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, "src");
    if (src) urls.add(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(tag, "href");
    if (href && /\brel\s*=\s*"modulepreload"/i.test(tag)) urls.add(href);
  }
  for (const [, body] of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/gi)) {
    for (const [, spec] of body.matchAll(/\bimport\s*(?:[^"';]*?\sfrom\s*)?["']([^"']+\.js)["']/g)) urls.add(spec);
  }
  return [...urls];
}

function stylesheetUrls(html: string): string[] {
  const urls = new Set<string>();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(tag, "href");
    if (href && /\brel\s*=\s*"stylesheet"/i.test(tag)) urls.add(href);
  }
  return [...urls];
}

async function measureAsset(base: string, url: string): Promise<Asset & { body: Buffer }> {
  const absolute = new URL(url, base).toString();
  const plain = await get(absolute);
  if (plain.status !== 200) throw new Error(`bench: ${url} answered ${plain.status}`);
  const gz = await get(absolute, { headers: { "Accept-Encoding": "gzip" } });
  return {
    url,
    raw: plain.body.length,
    gzip: zlib.gzipSync(plain.body, { level: SETTINGS.gzipLevel }).length,
    sent: gz.body.length,
    sentEncoding: String(gz.headers["content-encoding"] ?? "identity"),
    body: plain.body,
  };
}

function total(files: Asset[]) {
  return {
    files,
    raw: files.reduce((s, f) => s + f.raw, 0),
    gzip: files.reduce((s, f) => s + f.gzip, 0),
    sent: files.reduce((s, f) => s + f.sent, 0),
  };
}

async function measureWeight(base: string, pagePath: string): Promise<{ weight: Weight; html: Buffer }> {
  const { body: html, ...htmlAsset } = await measureAsset(base, pagePath);
  const text = html.toString("utf8");
  const strip = ({ body: _body, ...asset }: Asset & { body: Buffer }): Asset => asset;
  const js = await Promise.all(scriptUrls(text).map((u) => measureAsset(base, u).then(strip)));
  const css = await Promise.all(stylesheetUrls(text).map((u) => measureAsset(base, u).then(strip)));
  if (!js.length) throw new Error(`bench: no scripts found in ${pagePath}`);
  return { weight: { html: htmlAsset, js: total(js), css: total(css) }, html };
}

// ── speed ───────────────────────────────────────────────────────────────────
type Speed = { latency: Latency; throughput: Throughput };

async function measureSpeed(url: string, headers: Record<string, string> = {}): Promise<Speed> {
  const latency = await sequentialLatency(url, { count: SETTINGS.sequentialRequests, warmup: SETTINGS.warmupRequests, headers });
  const load = await throughput(url, {
    concurrency: SETTINGS.concurrency,
    durationMs: SETTINGS.durationMs,
    maxRequests: SETTINGS.maxRequests,
    headers,
  });
  if (load.errors || load.non200) throw new Error(`bench: ${url}: ${load.errors} errors, ${load.non200} non-200 answers under load`);
  return { latency, throughput: load };
}

type PageResult = {
  key: string;
  label: string;
  path: string;
  weight: Weight;
  app: Speed;
  appGzip: Speed;
  baseline: Speed;
  ratio: { rps: number; latencyMedian: number; latencyP95: number };
};

// ── main ────────────────────────────────────────────────────────────────────
async function main() {
  prepare();
  const listingId = publishedListingId();
  const pages = [
    { key: "listing", label: `listing /listings/${listingId}`, path: `/listings/${listingId}` },
    { key: "search", label: "search /listings?q=苹果", path: `/listings?q=${encodeURIComponent("苹果")}` },
  ];

  fs.mkdirSync(outDir, { recursive: true });
  const appPort = await freePort();
  const app = startServer(process.execPath, ["server.js"], { ...env, PORT: String(appPort) }, path.join(outDir, "server.log"));
  const appBase = `http://127.0.0.1:${appPort}`;
  await waitForHealthy(`${appBase}/healthz`, app);
  process.stderr.write(`bench: app on ${appBase} (LOG_LEVEL=${LOG_LEVEL}, log: .cache/bench/server.log)\n`);

  // Page weight first; the HTML captured here is what the baseline serves.
  const weights = new Map<string, Weight>();
  const routes: Record<string, string> = {};
  for (const page of pages) {
    const { weight, html } = await measureWeight(appBase, page.path);
    weights.set(page.key, weight);
    const file = path.join(runDir, `${page.key}.html`);
    fs.writeFileSync(file, html);
    routes[page.path] = file;
  }
  const routesFile = path.join(runDir, "routes.json");
  fs.writeFileSync(routesFile, JSON.stringify(routes));

  const barePort = await freePort();
  const bare = startServer(
    process.execPath,
    [path.join(root, "bench/lib/bare-server.mjs"), String(barePort), routesFile],
    env,
    path.join(outDir, "bare-server.log"),
  );
  const bareBase = `http://127.0.0.1:${barePort}`;
  await waitForHealthy(`${bareBase}/healthz`, bare);

  const results: PageResult[] = [];
  for (const page of pages) {
    process.stderr.write(`bench: ${page.label}: app…\n`);
    const appSpeed = await measureSpeed(appBase + page.path);
    const appGzip = await measureSpeed(appBase + page.path, { "Accept-Encoding": "gzip" });
    process.stderr.write(`bench: ${page.label}: bare node:http baseline…\n`);
    const baseline = await measureSpeed(bareBase + page.path);
    results.push({
      ...page,
      weight: weights.get(page.key)!,
      app: appSpeed,
      appGzip,
      baseline,
      ratio: {
        rps: appSpeed.throughput.rps / baseline.throughput.rps,
        latencyMedian: appSpeed.latency.medianMs / baseline.latency.medianMs,
        latencyP95: appSpeed.latency.p95Ms / baseline.latency.p95Ms,
      },
    });
  }
  await stopAll();

  // ── report ────────────────────────────────────────────────────────────────
  const weightRows = results.flatMap((r) => [
    [`${r.label}: HTML`, kb(r.weight.html.raw), kb(r.weight.html.gzip), `${kb(r.weight.html.sent)} (${r.weight.html.sentEncoding})`, "1"],
    [`${r.label}: JS`, kb(r.weight.js.raw), kb(r.weight.js.gzip), kb(r.weight.js.sent), String(r.weight.js.files.length)],
    [`${r.label}: CSS`, kb(r.weight.css.raw), kb(r.weight.css.gzip), kb(r.weight.css.sent), String(r.weight.css.files.length)],
  ]);
  console.log(`\nPage weight (gzip: zlib level ${SETTINGS.gzipLevel}; sent: bytes on the wire with Accept-Encoding: gzip)\n`);
  console.log(formatTable(["page", "raw", "gzip -6", "sent", "files"], weightRows));

  const speedRow = (label: string, s: Speed) => [
    label,
    ms(s.latency.medianMs),
    ms(s.latency.p95Ms),
    s.throughput.rps.toFixed(0),
    String(s.throughput.requests),
  ];
  const speedRows = results.flatMap((r) => [
    speedRow(`${r.label}: app`, r.app),
    speedRow(`${r.label}: app, gzip`, r.appGzip),
    speedRow(`${r.label}: bare node:http`, r.baseline),
    [`${r.label}: app / bare`, ratio(r.ratio.latencyMedian), ratio(r.ratio.latencyP95), ratio(r.ratio.rps), ""],
  ]);
  console.log(
    `\nServer speed (${SETTINGS.sequentialRequests} sequential requests after ${SETTINGS.warmupRequests} warm-up; ` +
      `req/s: ${SETTINGS.concurrency} connections for ${SETTINGS.durationMs / 1000} s; ${os.cpus().length} CPUs shared by client and servers)\n`,
  );
  console.log(formatTable(["page", "median", "p95", "req/s", "requests"], speedRows));

  const summary = {
    header: ["benchmark", "app req/s", "bare req/s", "req/s ratio", "median ratio", "HTML gzip", "JS gzip"],
    rows: results.map((r) => [
      `listing-page: ${r.label}`,
      r.app.throughput.rps.toFixed(0),
      r.baseline.throughput.rps.toFixed(0),
      ratio(r.ratio.rps),
      ratio(r.ratio.latencyMedian),
      kb(r.weight.html.gzip),
      kb(r.weight.js.gzip),
    ]),
  };
  const report = {
    name: "listing-page",
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadavg: os.loadavg(),
    },
    settings: { ...SETTINGS, logLevel: LOG_LEVEL, buildDir: path.relative(root, buildDir), dataSet: DATA_SET },
    pages: results,
    summary,
  };
  fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nbench: wrote ${path.relative(root, outFile)}`);
}

main()
  .catch(async (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    cleanup();
  });
