/**
 * Storefront benchmark (issue 14 §1, §4): requests per second for each anonymous storefront page
 * (home, market, search, listing, producer, village, villages) at 50 concurrent kept-alive
 * connections, served by server.js's storefront cache ahead of Remix, against a BASELINE
 * measured in the same run: a bare node:http server returning the very same HTML bytes.
 * Target: at least 0.5 of the baseline for every page. Also:
 *   - the logged-in listing page (a session cookie: rendered by Remix every time, own header);
 *   - sold-out visibility under load: while 50 connections load a cached listing page, another
 *     process (this one, like a checkout elsewhere) sets its stock to 0; how long until the page
 *     served says 已售罄;
 *   - 1 vs 2 app processes (WEB_CONCURRENCY=2, node:cluster) for the anonymous and logged-in
 *     listing page.
 *
 *   1. build into CUNPIN_BUILD_DIR (default .cache/bench-build) when stale; seed the demo data set
 *   2. start the app (1 process); capture each page's cached bytes for the bare server
 *   3. per page: load in slices alternating app and baseline (app, bare, bare, app)
 *   4. logged-in listing page; sold-out delay; then the app with 2 processes
 *   5. table on stdout, JSON in .cache/bench/storefront.json
 *
 * Load requests carry no Accept-Encoding (both servers send the same bytes). The load client
 * (bench/lib/http.ts) runs in this process, on the same CPUs as the servers.
 * Standalone: `npx tsx bench/storefront.ts`; or `npm run bench -- storefront`.
 */
import { createCookieSessionStorage } from "@remix-run/node";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../db/client";
import { createSession, loadAuthUser } from "../market/accounts/accounts";
import { getListingForEdit, updateListing } from "../market/listings/listings";
import { get, throughput, type Throughput } from "./lib/http";
import { freePort, startServer, stopAll, stopServer, waitForHealthy } from "./lib/procs";
import { setting } from "./lib/settings";
import { formatTable, kb, ms, ratio } from "./lib/table";
import { prepareAppRun } from "./lib/app";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const SETTINGS = {
  concurrency: setting("BENCH_STOREFRONT_CONCURRENCY", 50, 200),
  /** Load per server and page, split into `rounds` slices alternating app and baseline. */
  durationMs: setting("BENCH_DURATION_MS", 4000, 60_000),
  rounds: setting("BENCH_ROUNDS", 4, 20),
  maxRequests: 1_000_000,
  target: 0.5,
  soldOutTargetMs: 1000,
};
const outDir = path.resolve(".cache/bench");
const outFile = path.join(outDir, "storefront.json");

function combine(runs: Throughput[]): Throughput {
  const requests = runs.reduce((s, r) => s + r.requests, 0);
  const durationMs = runs.reduce((s, r) => s + r.durationMs, 0);
  return {
    rps: (requests * 1000) / durationMs,
    requests,
    non200: runs.reduce((s, r) => s + r.non200, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    durationMs,
    concurrency: SETTINGS.concurrency,
  };
}

async function load(url: string, durationMs: number, headers: Record<string, string> = {}): Promise<Throughput> {
  const t = await throughput(url, { concurrency: SETTINGS.concurrency, durationMs, maxRequests: SETTINGS.maxRequests, headers });
  if (t.errors || t.non200) throw new Error(`bench: ${url}: ${t.errors} errors, ${t.non200} non-200 answers under load`);
  return t;
}

/** App and baseline in alternating slices, so that both see the same background load. */
async function compare(appUrl: string, bareUrl: string): Promise<{ app: Throughput; bare: Throughput }> {
  const appRuns: Throughput[] = [];
  const bareRuns: Throughput[] = [];
  const slice = SETTINGS.durationMs / SETTINGS.rounds;
  for (let round = 0; round < SETTINGS.rounds; round++) {
    const order = round % 2 === 0 ? ["app", "bare"] : ["bare", "app"];
    for (const which of order) {
      if (which === "app") appRuns.push(await load(appUrl, slice));
      else bareRuns.push(await load(bareUrl, slice));
    }
  }
  return { app: combine(appRuns), bare: combine(bareRuns) };
}

async function startApp(env: NodeJS.ProcessEnv, extra: Record<string, string>, log: string) {
  const port = await freePort();
  const child = startServer(process.execPath, ["server.js"], { ...env, ...extra, PORT: String(port) }, path.join(outDir, log));
  const base = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${base}/healthz`, child);
  return { base, child };
}

async function main() {
  const { env, runDir, cleanup } = prepareAppRun(root, "storefront");
  process.once("exit", cleanup);
  fs.mkdirSync(outDir, { recursive: true });
  const db = openDatabase(env.DATABASE_PATH!);
  type Row = { id: number; producerId: number; ownerId: number; villageId: number | null };
  const listings = db.$client
    .prepare(
      `select l.id, l.producer_id as producerId, m.user_id as ownerId, p.village_id as villageId from listings l
       join producers p on p.id = l.producer_id
       join producer_members m on m.producer_id = l.producer_id and m.role = 'owner'
       where l.status = 'published' and l.stock > 0 order by l.id limit 2`,
    )
    .all() as Row[];
  if (listings.length < 2) throw new Error("bench: the demo seed has fewer than two published listings");
  const [listing, soldOutListing] = listings;
  const villageId = listing.villageId ?? (db.$client.prepare("select id from villages order by id limit 1").pluck().get() as number);
  const pages = [
    { key: "home", path: "/" },
    { key: "market", path: "/listings" },
    { key: "search", path: `/listings?q=${encodeURIComponent("苹果")}` },
    { key: "listing", path: `/listings/${listing.id}` },
    { key: "producer", path: `/producers/${listing.producerId}` },
    { key: "village", path: `/villages/${villageId}` },
    { key: "villages", path: "/villages" },
  ];

  // A logged-in buyer (the listing's producer owner also buys): a real session, signed like the app's.
  const storage = createCookieSessionStorage({ cookie: { name: "cp_session", secrets: [env.SESSION_SECRET!], path: "/" } });
  const session = await storage.getSession();
  session.set("sessionId", createSession(db, listing.ownerId).id);
  const cookie = (await storage.commitSession(session)).split(";")[0];

  // ── one process ───────────────────────────────────────────────────────────
  const app1 = await startApp(env, {}, "storefront-server.log");
  const routes: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  for (const page of pages) {
    await get(app1.base + page.path);
    const hit = await get(app1.base + page.path);
    if (hit.status !== 200 || hit.headers["x-cunpin-cache"] !== "hit") throw new Error(`bench: ${page.path} is not served from the cache (${hit.status})`);
    const file = path.join(runDir, `${page.key}.html`);
    fs.writeFileSync(file, hit.body);
    routes[page.path] = file;
    sizes[page.key] = hit.body.length;
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

  // Warm-up, untimed: the JIT of the app, the baseline and this load client.
  for (const base of [app1.base, bareBase]) for (const page of pages) await load(base + page.path, 300);

  const results: { key: string; path: string; bytes: number; app: Throughput; bare: Throughput; ratio: number }[] = [];
  for (const page of pages) {
    process.stderr.write(`bench: ${page.path}: app vs bare node:http…\n`);
    const { app, bare: baseline } = await compare(app1.base + page.path, bareBase + page.path);
    results.push({ ...page, bytes: sizes[page.key], app, bare: baseline, ratio: app.rps / baseline.rps });
  }
  await stopServer(bare);

  process.stderr.write("bench: logged-in listing page (1 process)…\n");
  const mine = await get(app1.base + pages[3].path, { headers: { Cookie: cookie } });
  if (mine.status !== 200 || !mine.body.includes("/account/notices")) throw new Error("bench: the logged-in listing page lacks the user's header");
  const loggedIn1 = await load(app1.base + pages[3].path, SETTINGS.durationMs, { Cookie: cookie });

  // Sold out under load: 50 connections on a cached listing page; this process sets its stock to 0.
  process.stderr.write("bench: sold-out visibility under load…\n");
  const soldOutUrl = `${app1.base}/listings/${soldOutListing.id}`;
  await get(soldOutUrl);
  const background = load(soldOutUrl, 3000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const owner = loadAuthUser(db, soldOutListing.ownerId)!;
  const { listing: l, product, certifications } = getListingForEdit(db, owner, soldOutListing.id);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const changedAt = performance.now();
  updateListing(db, owner, soldOutListing.id, {
    categoryId: l.categoryId,
    productName: product.nameZh,
    title: l.title,
    description: l.description,
    unit: l.unit,
    priceFen: l.priceFen,
    stock: 0,
    certifications,
  });
  let soldOutMs = Infinity;
  let polls = 0;
  while (performance.now() - changedAt < 5000) {
    polls++;
    const r = await get(soldOutUrl, { agent });
    if (r.body.toString("utf8").includes("已售罄")) {
      soldOutMs = performance.now() - changedAt;
      break;
    }
  }
  agent.destroy();
  const soldOutLoad = await background;
  await stopServer(app1.child);

  // ── two processes ─────────────────────────────────────────────────────────
  process.stderr.write("bench: WEB_CONCURRENCY=2…\n");
  const app2 = await startApp(env, { WEB_CONCURRENCY: "2" }, "storefront-server-2.log");
  // Fill both processes' caches and warm their JIT, untimed, as the 1-process app was by the runs above.
  await load(app2.base + pages[3].path, 1500);
  await load(app2.base + pages[3].path, 500, { Cookie: cookie });
  const anon2 = await load(app2.base + pages[3].path, SETTINGS.durationMs);
  const loggedIn2 = await load(app2.base + pages[3].path, SETTINGS.durationMs, { Cookie: cookie });
  await stopServer(app2.child);
  await stopAll();
  db.$client.close();

  // ── report ────────────────────────────────────────────────────────────────
  const listingResult = results.find((r) => r.key === "listing")!;
  const rows = results.map((r) => [
    `${r.key} ${r.path}`,
    kb(r.bytes),
    r.app.rps.toFixed(0),
    r.bare.rps.toFixed(0),
    ratio(r.ratio),
    r.ratio >= SETTINGS.target ? `≥ ${SETTINGS.target} ok` : `< ${SETTINGS.target} MISSED`,
  ]);
  console.log(
    `\nAnonymous storefront pages, cached (req/s, ${SETTINGS.concurrency} connections, ${SETTINGS.durationMs / 1000} s each in ${SETTINGS.rounds} alternating slices; ${os.cpus().length} CPUs shared by client and servers)\n`,
  );
  console.log(formatTable(["page", "HTML", "app req/s", "bare req/s", "ratio", "target"], rows));
  const extraRows = [
    ["listing, logged in (Remix render, own header), 1 process", loggedIn1.rps.toFixed(0)],
    ["listing, anonymous (cache), 1 process", listingResult.app.rps.toFixed(0)],
    ["listing, anonymous (cache), 2 processes", anon2.rps.toFixed(0)],
    ["listing, logged in, 2 processes", loggedIn2.rps.toFixed(0)],
    [
      `sold-out shown after (under ${SETTINGS.concurrency} connections, ${soldOutLoad.rps.toFixed(0)} req/s)`,
      `${ms(soldOutMs)} (target < ${SETTINGS.soldOutTargetMs} ms, ${polls} polls)`,
    ],
  ];
  console.log("\nLogged in, sold-out, 1 vs 2 processes\n");
  console.log(formatTable(["measure", "value"], extraRows));

  const summary = {
    header: ["benchmark", "app req/s", "bare req/s", "req/s ratio", "target"],
    rows: [
      ...results.map((r) => [`storefront: ${r.key}`, r.app.rps.toFixed(0), r.bare.rps.toFixed(0), ratio(r.ratio), `≥ ${SETTINGS.target}`]),
      ["storefront: listing logged in (1 / 2 processes)", `${loggedIn1.rps.toFixed(0)} / ${loggedIn2.rps.toFixed(0)}`, "", "", ""],
      ["storefront: listing anonymous (1 / 2 processes)", `${listingResult.app.rps.toFixed(0)} / ${anon2.rps.toFixed(0)}`, "", "", ""],
      ["storefront: sold-out visible after", ms(soldOutMs), "", "", `< ${SETTINGS.soldOutTargetMs} ms`],
    ],
  };
  const report = {
    name: "storefront",
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg() },
    settings: SETTINGS,
    pages: results,
    loggedIn: { oneProcess: loggedIn1, twoProcesses: loggedIn2 },
    anonymousListing: { oneProcess: listingResult.app, twoProcesses: anon2 },
    soldOut: { ms: soldOutMs, polls, load: soldOutLoad },
    summary,
  };
  fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + "\n");
  console.log(`\nbench: wrote ${path.relative(root, outFile)}`);
  const missed = results.some((r) => r.ratio < SETTINGS.target) || !(soldOutMs < SETTINGS.soldOutTargetMs);
  if (missed) console.log("bench: storefront target MISSED (see above)");
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
