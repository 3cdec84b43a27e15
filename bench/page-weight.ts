/**
 * Page weight benchmark (issue 13 §1, "Light pages"): the bytes a phone with an empty cache
 * downloads on a first load of each page, as served by server.js (its compression included).
 * Target: at most 100 KB per page, everything the page needs to be usable included.
 *
 *   1. build into CUNPIN_BUILD_DIR when the sources are newer (bench/lib/app.ts, as every page
 *      bench), migrate and seed the demo data set into a temp database
 *   2. start the built server on a free loopback port
 *   3. for each page: GET its HTML (with the role's session cookie where the page needs one),
 *      then every script (src, modulepreload, static imports of inline and fetched modules,
 *      recursively; dynamic import() is lazy and not counted), stylesheet, icon and image it
 *      references, each once per page, all with Accept-Encoding: gzip, br as a browser sends it
 *   4. sum the bodies as they crossed the wire (compressed, never decoded); table per page:
 *      the named pages (trace, /station, /farm, listing, market, home, checkout) and the 5 largest
 *      of the rest, against the 100 KB target
 *
 * Standalone: `npx tsx bench/page-weight.ts`; or through `npm run bench` (bench/run.ts).
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as zlibSync from "node:zlib";
import { prepareAppRun } from "./lib/app";
import { freePort, startServer, stopAll, waitForHealthy } from "./lib/procs";
import { formatTable, kb, ratio } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const TARGET_BYTES = 100 * 1024;
const DEMO_PASSWORD = "cunpin123";
const PHONES = { buyer: "13800000001", farmer: "13800000002", operator: "13800000005", admin: "13800000007" } as const;
type Role = keyof typeof PHONES | "guest";

const outDir = path.resolve(".cache/bench");
const outFile = path.join(outDir, "page-weight.json");

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** One request, nothing decoded: body.length is what crossed the wire. Loopback only. */
function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") return Promise.reject(new Error(`bench: only 127.0.0.1 is allowed, not ${target.hostname}`));
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: init.method ?? "GET", agent: false, headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

function cookiesOf(reply: Reply): string {
  return (reply.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
}

function mergeCookies(a: string, b: string): string {
  const jar = new Map<string, string>();
  for (const c of [a, b].join("; ").split(/;\s*/)) {
    const i = c.indexOf("=");
    if (i > 0) jar.set(c.slice(0, i), c.slice(i + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function post(base: string, pathname: string, form: Record<string, string>, cookie: string): Promise<Reply> {
  return request(base + pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, Cookie: cookie },
    body: new URLSearchParams(form).toString(),
  });
}

async function sessionOf(base: string, phone: string): Promise<string> {
  const reply = await post(base, "/login", { phone, password: DEMO_PASSWORD, redirectTo: "/" }, "");
  const cookie = cookiesOf(reply);
  if (reply.status !== 302 && reply.status !== 303 && reply.status !== 204) throw new Error(`bench: login ${phone} answered ${reply.status}`);
  if (!cookie) throw new Error(`bench: login ${phone} set no cookie`);
  return cookie;
}

// ── what a browser fetches for a page ───────────────────────────────────────
function attr(tag: string, name: string): string | null {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i"));
  return m ? m[1].replace(/&amp;/g, "&") : null;
}

/** Static module imports (`import{a}from"x"`, `import"x"`, `export*from"x"`); never `import(` (lazy). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  for (const [, spec] of code.matchAll(/(?:^|[;{}\s)])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)) out.push(spec);
  return out;
}

type Kind = "html" | "js" | "css" | "img";
type Fetched = { url: string; kind: Kind; bytes: number; encoding: string };

function referencedAssets(html: string): { url: string; kind: Kind }[] {
  const found: { url: string; kind: Kind }[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, "src");
    if (src) found.push({ url: src, kind: "js" });
  }
  for (const [, body] of html.matchAll(/<script\b[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/gi)) {
    for (const spec of staticImports(body)) found.push({ url: spec, kind: "js" });
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(tag, "href");
    const rel = (attr(tag, "rel") ?? "").toLowerCase();
    if (!href) continue;
    if (rel === "stylesheet") found.push({ url: href, kind: "css" });
    else if (rel === "modulepreload") found.push({ url: href, kind: "js" });
    else if (rel.split(/\s+/).includes("icon")) found.push({ url: href, kind: "img" });
  }
  for (const [tag] of html.matchAll(/<img\b[^>]*>/gi)) {
    const src = attr(tag, "src");
    if (src && !src.startsWith("data:") && attr(tag, "loading") !== "lazy") found.push({ url: src, kind: "img" });
  }
  return found;
}

async function pageWeight(base: string, pagePath: string, cookie: string) {
  const headers = { "Accept-Encoding": "gzip, br", ...(cookie ? { Cookie: cookie } : {}) };
  const page = await request(base + pagePath, { headers });
  if (page.status !== 200) throw new Error(`bench: ${pagePath} answered ${page.status}`);
  // Decoded only to read the references; the count is the encoded body.
  const html = decode(page).toString("utf8");
  const files: Fetched[] = [{ url: pagePath, kind: "html", bytes: page.body.length, encoding: String(page.headers["content-encoding"] ?? "identity") }];
  const seen = new Set<string>();
  const queue = referencedAssets(html).map((a) => ({ ...a, url: new URL(a.url, base + pagePath).toString() }));
  while (queue.length) {
    const asset = queue.shift()!;
    if (seen.has(asset.url) || !asset.url.startsWith(base)) continue;
    seen.add(asset.url);
    const reply = await request(asset.url, { headers });
    if (reply.status !== 200) throw new Error(`bench: ${asset.url} (from ${pagePath}) answered ${reply.status}`);
    files.push({
      url: asset.url.slice(base.length),
      kind: asset.kind,
      bytes: reply.body.length,
      encoding: String(reply.headers["content-encoding"] ?? "identity"),
    });
    if (asset.kind === "js") {
      for (const spec of staticImports(decode(reply).toString("utf8"))) queue.push({ url: new URL(spec, asset.url).toString(), kind: "js" });
    }
  }
  const by = (kind: Kind) => files.filter((f) => f.kind === kind).reduce((s, f) => s + f.bytes, 0);
  return {
    files,
    html: by("html"),
    js: by("js"),
    css: by("css"),
    img: by("img"),
    total: files.reduce((s, f) => s + f.bytes, 0),
    scripts: files.filter((f) => f.kind === "js").length,
  };
}

function decode(reply: Reply): Buffer {
  const enc = String(reply.headers["content-encoding"] ?? "");
  if (enc === "br") return zlibSync.brotliDecompressSync(reply.body);
  if (enc === "gzip") return zlibSync.gunzipSync(reply.body);
  return reply.body;
}

// ── the pages ───────────────────────────────────────────────────────────────
type PageSpec = { key: string; path: string; role: Role; named?: boolean };

function ids(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T | undefined;
    const lot = one<{ id: number; gtin: string; lotCode: string }>(
      `select b.id, b.gtin, b.lot_code as lotCode from batches b
       where b.gtin is not null and exists (select 1 from listing_batches lb join listings l on l.id = lb.listing_id
                                            where lb.batch_id = b.id and l.status = 'published')
       order by (select count(*) from trace_events e where e.batch_id = b.id) desc, b.id limit 1`,
    );
    const listing = one<{ id: number; producerId: number }>(
      `select id, producer_id as producerId from listings where status = 'published' and stock > 0 order by id limit 1`,
    );
    const farmerBatch = one<{ id: number }>(
      `select b.id from batches b join producer_members m on m.producer_id = b.producer_id join users u on u.id = m.user_id
       where u.phone = ? order by b.id limit 1`,
      PHONES.farmer,
    );
    const village = one<{ id: number }>(`select id from villages order by id limit 1`);
    const order = one<{ id: number }>(`select o.id from orders o join users u on u.id = o.buyer_id where u.phone = ? order by o.id desc limit 1`, PHONES.buyer);
    if (!lot || !listing) throw new Error("bench: the demo data set has no published lot or listing");
    return { lot, listing, farmerBatch, village, order };
  } finally {
    db.close();
  }
}

function pages(dbPath: string): PageSpec[] {
  const { lot, listing, farmerBatch, village, order } = ids(dbPath);
  const list: PageSpec[] = [
    { key: "trace", path: `/01/${lot.gtin}/10/${encodeURIComponent(lot.lotCode)}`, role: "guest", named: true },
    { key: "station", path: "/station", role: "operator", named: true },
    { key: "farm", path: "/farm", role: "farmer", named: true },
    { key: "listing", path: `/listings/${listing.id}`, role: "guest", named: true },
    { key: "market", path: "/listings", role: "guest", named: true },
    { key: "home", path: "/", role: "guest", named: true },
    { key: "checkout", path: "/checkout", role: "buyer", named: true },
    // The rest of the app's pages; the 5 largest are shown.
    { key: "search", path: `/listings?q=${encodeURIComponent("苹果")}`, role: "guest" },
    { key: "villages", path: "/villages", role: "guest" },
    { key: "producer", path: `/producers/${listing.producerId}`, role: "guest" },
    { key: "login", path: "/login", role: "guest" },
    { key: "signup", path: "/signup", role: "guest" },
    { key: "cart", path: "/cart", role: "buyer" },
    { key: "orders", path: "/orders", role: "buyer" },
    { key: "notices", path: "/account/notices", role: "buyer" },
    { key: "farm orders", path: "/farm/orders", role: "farmer" },
    { key: "farm batches", path: "/farm/batches", role: "farmer" },
    { key: "farm new batch", path: "/farm/batches/new", role: "farmer" },
    { key: "farm new listing", path: "/farm/listings/new", role: "farmer" },
    { key: "farm plots", path: "/farm/plots", role: "farmer" },
    { key: "farm disputes", path: "/farm/disputes", role: "farmer" },
    { key: "admin producers", path: "/admin/producers", role: "admin" },
    { key: "admin logistics", path: "/admin/logistics", role: "admin" },
    { key: "admin points new", path: "/admin/logistics/points/new", role: "admin" },
    { key: "admin inputs", path: "/admin/inputs", role: "admin" },
    { key: "admin disputes", path: "/admin/disputes", role: "admin" },
    { key: "inspect", path: "/inspect", role: "admin" },
  ];
  if (village) list.push({ key: "village", path: `/villages/${village.id}`, role: "guest" });
  if (order) list.push({ key: "order", path: `/orders/${order.id}`, role: "buyer" });
  if (farmerBatch) list.push({ key: "farm batch", path: `/farm/batches/${farmerBatch.id}`, role: "farmer" });
  return list;
}

// ── main ────────────────────────────────────────────────────────────────────
async function main() {
  const { env, cleanup } = prepareAppRun(root, "weight");
  try {
    fs.mkdirSync(outDir, { recursive: true });
    const port = await freePort();
    const app = startServer(process.execPath, ["server.js"], { ...env, PORT: String(port) }, path.join(outDir, "page-weight-server.log"));
    const base = `http://127.0.0.1:${port}`;
    await waitForHealthy(`${base}/healthz`, app);

    const sessions: Record<Role, string> = { guest: "", buyer: "", farmer: "", operator: "", admin: "" };
    for (const role of Object.keys(PHONES) as (keyof typeof PHONES)[]) sessions[role] = await sessionOf(base, PHONES[role]);
    const spec = pages(env.DATABASE_PATH!);
    // Checkout needs something in the buyer's cart.
    const listingPath = spec.find((p) => p.key === "listing")!.path;
    const added = await post(base, "/cart", { intent: "add", listingId: listingPath.split("/").pop()!, quantity: "1" }, sessions.buyer);
    sessions.buyer = mergeCookies(sessions.buyer, cookiesOf(added));

    const results: (PageSpec & Awaited<ReturnType<typeof pageWeight>>)[] = [];
    for (const p of spec) {
      const w = await pageWeight(base, p.path, sessions[p.role]);
      results.push({ ...p, ...w });
    }
    await stopAll();

    const named = results.filter((r) => r.named);
    const largest = results
      .filter((r) => !r.named)
      .sort((a, b) => b.total - a.total)
      .slice(0, 5);
    const header = ["page", "role", "HTML", "JS", "CSS", "img", "scripts", "total", "vs 100 KB", "target"];
    const row = (r: (typeof results)[number]) => [
      `${r.key} ${r.path.length > 40 ? r.path.slice(0, 39) + "…" : r.path}`,
      r.role,
      kb(r.html),
      kb(r.js),
      kb(r.css),
      kb(r.img),
      String(r.scripts),
      kb(r.total),
      ratio(r.total / TARGET_BYTES),
      r.total <= TARGET_BYTES ? "met" : "NOT met",
    ];
    console.log("\nFirst load, empty cache, bytes on the wire (Accept-Encoding: gzip, br), as served by server.js\n");
    console.log(formatTable(header, [...named.map(row), ...largest.map(row)]));
    console.log(`\n(the 5 largest of ${results.length - named.length} other pages shown; every page in ${path.relative(root, outFile)})`);

    const summary = {
      header: ["benchmark", "result", "baseline", "ratio", "target"],
      rows: [...named, ...largest].map((r) => [
        `page weight: ${r.key}`,
        kb(r.total),
        "100 KB target",
        ratio(r.total / TARGET_BYTES),
        `≤ 100 KB ${r.total <= TARGET_BYTES ? "met" : "NOT met"}`,
      ]),
    };
    const result = {
      name: "page-weight",
      at: new Date().toISOString(),
      machine: { node: process.version, cpus: os.cpus().length },
      targetBytes: TARGET_BYTES,
      pages: results,
      summary,
    };
    fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + "\n");
    console.log(`bench: wrote ${path.relative(root, outFile)}`);
  } finally {
    await stopAll();
    cleanup();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
