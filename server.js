// Production HTTP server: Express in front of the Remix request handler.
// Static assets are served with long caching; uploaded photos from UPLOAD_DIR.
import { createRequestHandler } from "@remix-run/express";
import { createRequestHandler as createFetchRequestHandler } from "@remix-run/node";
import compression from "compression";
import express from "express";
import cluster from "node:cluster";
import { EventEmitter } from "node:events";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import pino from "pino";
import { requireSecrets } from "./core/secrets.js";
import { baseSecurityHeaders, bodyLimit, requestIsHttps, sameOriginGuard, securityHeaders, trustProxySetting } from "./server/security.js";
import { createGenerationWatch, createLease, openSharedState, runPrimary } from "./server/shared-state.js";

const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { app: "cunpin", component: "http" } });
// Production with the real Stripe API never starts on generated secrets (core/secrets.js).
try {
  requireSecrets(process.env);
} catch (error) {
  log.fatal(error.message);
  process.exit(1);
}
// WEB_CONCURRENCY=N (default 1): N app processes on one port over the same database (issue 14 §4).
// The primary only forks and supervises; awaiting runPrimary keeps it from loading the app.
const webConcurrency = Math.max(1, Math.min(64, Number.parseInt(process.env.WEB_CONCURRENCY ?? "1", 10) || 1));
if (webConcurrency > 1 && cluster.isPrimary) await runPrimary(webConcurrency, log);

// Domain events (core/events.ts) and lot changes (traceability/store.ts) on one bus per process,
// created here first so that this file and the app bundle share it.
globalThis.__cunpinDomainBus ??= new EventEmitter();
const sharedState = openSharedState(process.env.DATABASE_PATH ?? "data/cunpin.db");
const generationWatch = createGenerationWatch(sharedState);

const buildDir = process.env.CUNPIN_BUILD_DIR;
const build = await import(path.resolve(buildDir ? `${buildDir}/index.js` : "build/index.js"));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const uploadDir = path.resolve(process.env.UPLOAD_DIR ?? "data/uploads");
// Behind a reverse proxy: TRUST_PROXY=true (or hops / addresses) makes X-Forwarded-Proto/-Host count.
const trustProxy = trustProxySetting(process.env.TRUST_PROXY);
const headerOptions = { trustProxy, tileUrl: process.env.TILE_URL, development: process.env.NODE_ENV === "development" };

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", trustProxy);

// Structured access log, one JSON line per request.
app.use((req, res, next) => {
  const start = process.hrtime.bigint();
  res.on("finish", () => {
    if (req.path.startsWith("/build/")) return;
    log.info({
      method: req.method,
      url: req.originalUrl,
      status: res.statusCode,
      ms: Number(process.hrtime.bigint() - start) / 1e6,
    });
  });
  next();
});

// The client address for login throttling comes from the socket, never from the client.
app.use((req, _res, next) => {
  req.headers["x-cunpin-remote-address"] = req.socket.remoteAddress ?? "unknown";
  next();
});

// Before any route (and before the trace cache): headers, body limits, cross-site refusal (server/security.js).
app.use(securityHeaders(headerOptions));
// The photo routes' own limit (app/utils/upload.server.ts), exported by the server build.
app.use(bodyLimit({ uploadLimit: build.entry?.module?.MAX_UPLOAD_REQUEST_BYTES ?? 61 * 1024 * 1024 }));
app.use(
  sameOriginGuard({
    trustProxy,
    publicOrigin: process.env.PUBLIC_ORIGIN,
    onRefuse: (details) =>
      log.warn(
        details,
        details.schemeOnly
          ? "cross-site request refused: only the scheme differs; behind an HTTPS proxy set TRUST_PROXY or PUBLIC_ORIGIN"
          : "cross-site request refused",
      ),
  }),
);

const traceCache = createTraceCache();
const storefrontCache = createStorefrontCache();
/** Before any cache answers: drop what another connection (another process) invalidated. */
function syncCaches() {
  for (const name of generationWatch.poll()) {
    if (name === "trace") traceCache.dropAll();
    else if (name === "storefront") storefrontCache.dropAll();
  }
}
app.use(traceCache.middleware);
app.use(storefrontCache.middleware);
app.use(compression());

app.use("/build", express.static(buildDir ? `${buildDir}/assets` : "public/build", { immutable: true, maxAge: "1y" }));
app.use("/uploads", express.static(uploadDir, { immutable: true, maxAge: "1y", fallthrough: false }));
app.use(express.static("public", { maxAge: "1h" }));

// The CSP nonce goes to entry.server.tsx, which puts it on every script it renders.
app.all("*", createRequestHandler({ build, mode: build.mode, getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce }) }));

app.use((err, req, res, _next) => {
  // A client error (a missing upload, a malformed or oversized body) is logged as one, not as ours.
  const status = Number(err?.status ?? err?.statusCode);
  if (status >= 400 && status < 500) {
    log.info({ status, method: req.method, url: req.originalUrl, message: err?.message }, "client error");
    return res.status(status).send(http.STATUS_CODES[status] ?? "Client error");
  }
  log.error({ err }, "express error");
  res.status(500).send("Internal Server Error");
});

// ─── trace page cache ────────────────────────────────────────────────────────
// The public trace page (/01/<GTIN-14>/10/<lot>, what every QR code opens) is served from an
// in-memory LRU of rendered bytes ahead of Remix — and for hits ahead of Express too (see the
// http server below), since a scanned QR code should cost about what a static file costs.
// Only anonymous GETs are cached (no session cookie, no query string), keyed by lot,
// representation (page or EPCIS JSON-LD), locale inputs and host. Entries are dropped when the
// lot's chain changes (the traceability store's onLotChanged, forwarded by
// traceability/trace-page.ts to globalThis.__cunpinTraceCache) and expire after
// TRACE_PAGE_CACHE_TTL_MS (default 60 s) so that scan counts and recalls stay fresh.
// Every page served, hit or miss, counts as a scan (in memory, written in batches).
// TRACE_PAGE_CACHE=off disables it (bench/trace-page.ts measures both).
// A cached page keeps the CSP nonce it was rendered with (its scripts carry it), so within one
// entry's TTL anonymous viewers share a nonce; the page holds no user data and no user input is
// rendered into it unescaped, and re-nonce-ing every hit would cost the cache its point.
/** Remix's fetch handler, for the page caches that render a miss themselves (GET only). */
const renderRemix = createFetchRequestHandler(build, build.mode);

/** Renders the request's page through Remix, outside Express, with this response's CSP nonce. */
async function render(req, res) {
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v != null) headers.set(k, v);
  }
  const url = `${req.protocol}://${req.get("host") ?? "localhost"}${req.url}`;
  return renderRemix(new Request(url, { method: "GET", headers, signal: controller.signal }), { cspNonce: res.locals.cspNonce });
}

/** Streams a rendered (uncached) Response to the client, cookies included. */
async function sendResponse(res, response) {
  res.statusCode = response.status;
  for (const [k, v] of response.headers) if (k !== "set-cookie") res.setHeader(k, v);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("Set-Cookie", cookies);
  if (response.body) Readable.fromWeb(response.body).pipe(res);
  else res.end();
}

/**
 * The page caches' store: entries in least-recently-used order (oldest first), bounded by count and
 * by bytes (each entry says its own `bytes`); the oldest go first when a bound is passed.
 */
function createByteLru(maxEntries, maxBytes) {
  const entries = new Map();
  let bytes = 0;
  const remove = (key) => {
    const e = entries.get(key);
    if (!e) return;
    bytes -= e.bytes;
    entries.delete(key);
  };
  return {
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    get: (key) => entries.get(key),
    /** A hit: the entry becomes the most recently used. */
    touch(key, e) {
      entries.delete(key);
      entries.set(key, e);
    },
    put(key, e) {
      remove(key);
      entries.set(key, e);
      bytes += e.bytes;
      while (entries.size > maxEntries || bytes > maxBytes) remove(entries.keys().next().value);
    },
    remove,
    clear() {
      entries.clear();
      bytes = 0;
    },
    entries: () => entries.entries(),
  };
}

function createTraceCache() {
  const TRACE_PATH = /^\/01\/(\d{14})\/10\/([^/?]+)$/;
  const enabled = !["off", "0", "false"].includes(String(process.env.TRACE_PAGE_CACHE ?? "on").toLowerCase());
  const ttlMs = Number(process.env.TRACE_PAGE_CACHE_TTL_MS ?? 60_000);
  const MAX_ENTRIES = 1000;
  const MAX_BYTES = 64 * 1024 * 1024;
  /** key → { body, gzip, headers, batchId, isHtml, lotKey, expires, bytes }. */
  const entries = createByteLru(MAX_ENTRIES, MAX_BYTES);
  /** lotKey → generation, bumped on invalidation so that a render racing an append is not stored. */
  const generations = new Map();
  const inflight = new Map();
  const counts = { hits: 0, misses: 0 };
  /** Bumped when every entry is dropped (another process changed a lot), like a lot's generation. */
  let epoch = 0;
  const SKIP_HEADERS = new Set([
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "date",
    "set-cookie",
    "x-cunpin-trace-batch",
  ]);

  globalThis.__cunpinTraceCache = {
    invalidate({ gtin, lotCode }) {
      const lk = `${gtin}/${lotCode}`;
      generations.set(lk, (generations.get(lk) ?? 0) + 1);
      for (const [key, e] of [...entries.entries()]) if (e.lotKey === lk) entries.remove(key);
    },
    clear: () => entries.clear(),
    stats: () => ({ entries: entries.size, bytes: entries.bytes, ...counts }),
  };
  const dropAll = () => {
    epoch++;
    entries.clear();
  };
  // Hits skip the access log; a summary line per minute says how the cache does.
  setInterval(() => {
    if (counts.hits || counts.misses) log.info({ traceCache: { ...counts, entries: entries.size, bytes: entries.bytes } }, "trace page cache");
    counts.hits = counts.misses = 0;
  }, 60_000).unref();

  // Same rule as wantsJsonLd in traceability/trace-page.ts.
  const wantsJsonLd = (accept) => !!accept && /application\/(ld\+)?json/i.test(accept) && !/text\/html/i.test(accept);
  const countScan = (e) => {
    if (e.isHtml) globalThis.__cunpinTraceScans?.record(e.batchId);
  };

  /** The cache key of a cacheable request, or null (not a trace page, not anonymous, query string, …). */
  function keyOf(req) {
    if (!enabled || req.method !== "GET") return null;
    const m = TRACE_PATH.exec(req.originalUrl ?? req.url);
    if (!m || m[2].endsWith(".data")) return null;
    const cookie = req.headers.cookie ?? "";
    if (cookie.includes("cp_session=")) return null;
    const lng = /(?:^|;\s*)lng=(zh|en)(?:;|$)/.exec(cookie)?.[1];
    const acceptLanguage = lng ? "" : (req.headers["accept-language"] ?? "");
    if (acceptLanguage.length > 100) return null;
    let lot;
    try {
      lot = decodeURIComponent(m[2]);
    } catch {
      return null;
    }
    const lotKey = `${m[1]}/${lot}`;
    const jsonld = wantsJsonLd(req.headers.accept);
    return { key: `${lotKey}\n${jsonld ? "jsonld" : "html"}\n${lng ?? ""}\n${acceptLanguage}\n${req.headers.host ?? ""}`, lotKey, jsonld };
  }

  function send(req, res, e, state) {
    const gz = e.gzip !== null && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    const body = gz ? e.gzip : e.body;
    // The page's scripts carry the nonce it was rendered with, so its CSP names that nonce.
    const security = baseSecurityHeaders(e.nonce, { ...headerOptions, https: requestIsHttps(req, trustProxy), html: e.isHtml });
    const headers = { ...e.headers, ...security, "X-Cunpin-Cache": state, "Content-Length": body.length };
    if (gz) headers["Content-Encoding"] = "gzip";
    res.writeHead(200, headers);
    res.end(body);
  }

  /** Serves a fresh cache hit straight from node:http; false when Express should handle the request. */
  function serveHit(req, res) {
    if (req.method !== "GET" || entries.size === 0) return false;
    const k = keyOf(req);
    if (!k) return false;
    syncCaches();
    const hit = entries.get(k.key);
    if (!hit || hit.expires <= Date.now()) return false;
    entries.touch(k.key, hit);
    counts.hits++;
    countScan(hit);
    send(req, res, hit, "hit");
    return true;
  }

  /** Express middleware: content negotiation of the trace URL, and rendering + storing misses. */
  async function middleware(req, res, next) {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (!/^\/01\/\d+\/10\/[^/]+$/.test(req.path) || req.path.endsWith(".data")) return next();
    const k = keyOf(req);
    // A loader cannot answer a document request with a raw body: the EPCIS representation of
    // the same URL is the resource route app/routes/epcis.01.$gtin.10.$lot.ts.
    if (wantsJsonLd(req.headers.accept)) req.url = `/epcis${req.url}`;
    if (!k) return next();
    const { key, lotKey, jsonld } = k;

    syncCaches();
    const hit = entries.get(key);
    if (hit && hit.expires > Date.now()) {
      counts.hits++;
      countScan(hit);
      return send(req, res, hit, "hit");
    }
    if (hit) entries.remove(key);

    // One render per key at a time; concurrent misses wait for it (thundering herd after expiry).
    const pending = inflight.get(key);
    if (pending) {
      const e = await pending;
      if (!e) return next();
      counts.hits++;
      countScan(e);
      return send(req, res, e, "hit");
    }
    counts.misses++;
    const generation = generations.get(lotKey) ?? 0;
    const startEpoch = epoch;
    let resolveEntry;
    inflight.set(key, new Promise((resolve) => (resolveEntry = resolve)));
    try {
      const response = await render(req, res);
      const batch = response.headers.get("x-cunpin-trace-batch");
      if (response.status !== 200 || !batch || response.headers.has("set-cookie")) {
        resolveEntry(null);
        return await sendResponse(res, response);
      }
      const body = Buffer.from(await response.arrayBuffer());
      const headers = Object.fromEntries([...response.headers].filter(([h]) => !SKIP_HEADERS.has(h)));
      const gzip = body.length > 1024 ? zlib.gzipSync(body, { level: 6 }) : null;
      const e = {
        body,
        gzip,
        headers,
        batchId: Number(batch),
        isHtml: !jsonld,
        nonce: res.locals.cspNonce,
        lotKey,
        expires: Date.now() + ttlMs,
        bytes: body.length + (gzip?.length ?? 0) + key.length,
      };
      syncCaches();
      if ((generations.get(lotKey) ?? 0) === generation && epoch === startEpoch) {
        entries.put(key, e);
      }
      resolveEntry(e);
      // The Remix loader counted this render's scan already.
      return send(req, res, e, "miss");
    } catch (err) {
      resolveEntry(null);
      return next(err);
    } finally {
      inflight.delete(key);
    }
  }

  return { middleware, serveHit, dropAll };
}

// ─── storefront cache ────────────────────────────────────────────────────────
// Issue 14 §1: the anonymous storefront (home, market and search, listing, producer, village,
// villages) from an in-memory LRU of rendered documents ahead of Remix, hits answered straight
// from node:http like the trace page. Keyed by path with query, locale inputs, host and scheme.
// ONLY requests without a session cookie are cached: a logged-in buyer's document carries their
// header (orders, notices, farm/admin links) and goes through Remix every time. A guest's cart
// lives in its own cookie that these pages do not read, so guests with a cart share the cache.
// Invalidation is coarse and immediate: any storefront change (core/events.ts: price, stock,
// status, photos, a rating, a recall, a producer's review, a lot linked or appended to) drops
// every entry, in this process through the domain bus and in the others through the
// cache_generations row checked before every hit (syncCaches). Entries also expire after
// STOREFRONT_CACHE_TTL_MS (default 60 s) for what changes with time alone.
// STOREFRONT_CACHE=off disables it (bench/storefront.ts measures both).
// Same nonce trade-off as the trace page: a cached document keeps the CSP nonce it was rendered
// with; it holds no user data and renders no user input unescaped.
function createStorefrontCache() {
  const PATH = /^\/(?:listings(?:\/\d{1,10})?|producers\/\d{1,10}|villages(?:\/\d{1,10})?)?$/;
  const enabled = !["off", "0", "false"].includes(String(process.env.STOREFRONT_CACHE ?? "on").toLowerCase());
  const ttlMs = Number(process.env.STOREFRONT_CACHE_TTL_MS ?? 60_000);
  const MAX_ENTRIES = 2000;
  const MAX_BYTES = 128 * 1024 * 1024;
  const entries = createByteLru(MAX_ENTRIES, MAX_BYTES);
  const inflight = new Map();
  const counts = { hits: 0, misses: 0, drops: 0 };
  let epoch = 0;
  const SKIP_HEADERS = new Set(["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "date", "set-cookie"]);

  const dropAll = () => {
    epoch++;
    if (entries.size) counts.drops++;
    entries.clear();
  };
  globalThis.__cunpinDomainBus.on("storefront", dropAll);
  globalThis.__cunpinStorefrontCache = { dropAll, stats: () => ({ entries: entries.size, bytes: entries.bytes, ...counts }) };
  setInterval(() => {
    if (counts.hits || counts.misses) log.info({ storefrontCache: { ...counts, entries: entries.size, bytes: entries.bytes } }, "storefront cache");
    counts.hits = counts.misses = counts.drops = 0;
  }, 60_000).unref();

  function keyOf(req) {
    if (!enabled || req.method !== "GET") return null;
    const url = req.originalUrl ?? req.url ?? "";
    if (url.length > 512) return null;
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (!PATH.test(pathname)) return null;
    // Remix data requests (?_data=…) are JSON for client navigation, not documents.
    if (q !== -1 && /[?&]_data=/.test(url)) return null;
    const cookie = req.headers.cookie ?? "";
    if (cookie.includes("cp_session=")) return null;
    const lng = /(?:^|;\s*)lng=(zh|en)(?:;|$)/.exec(cookie)?.[1];
    const acceptLanguage = lng ? "" : (req.headers["accept-language"] ?? "");
    if (acceptLanguage.length > 100) return null;
    const https = requestIsHttps(req, trustProxy) ? "s" : "";
    return `${url}\n${lng ?? ""}\n${acceptLanguage}\n${req.headers.host ?? ""}\n${https}`;
  }

  /** The entry's response headers for one variant, built once (a hit then costs no string work). */
  function headersFor(e, https, gz, state) {
    const variant = `${https ? "s" : ""}${gz ? "z" : ""}${state}`;
    let headers = e.sent.get(variant);
    if (!headers) {
      const security = baseSecurityHeaders(e.nonce, { ...headerOptions, https, html: true });
      const all = {
        ...e.headers,
        ...security,
        "X-Cunpin-Cache": state,
        "Content-Length": String((gz ? e.gzip : e.body).length),
        Vary: "Accept-Encoding, Cookie, Accept-Language",
      };
      if (gz) all["Content-Encoding"] = "gzip";
      headers = Object.entries(all).flat();
      e.sent.set(variant, headers);
    }
    return headers;
  }

  function send(req, res, e, state) {
    const gz = e.gzip !== null && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    res.writeHead(200, headersFor(e, requestIsHttps(req, trustProxy), gz, state));
    res.end(gz ? e.gzip : e.body);
  }

  function serveHit(req, res) {
    if (req.method !== "GET" || entries.size === 0) return false;
    const key = keyOf(req);
    if (!key) return false;
    syncCaches();
    const hit = entries.get(key);
    if (!hit || hit.expires <= Date.now()) return false;
    entries.touch(key, hit);
    counts.hits++;
    send(req, res, hit, "hit");
    return true;
  }

  async function middleware(req, res, next) {
    const key = keyOf(req);
    if (!key) return next();
    syncCaches();
    const hit = entries.get(key);
    if (hit && hit.expires > Date.now()) {
      counts.hits++;
      return send(req, res, hit, "hit");
    }
    if (hit) entries.remove(key);
    // One render per key at a time: the crowd arriving after a drop waits for it.
    const pending = inflight.get(key);
    if (pending) {
      const e = await pending;
      if (!e) return next();
      counts.hits++;
      return send(req, res, e, "hit");
    }
    counts.misses++;
    const startEpoch = epoch;
    let resolveEntry;
    inflight.set(key, new Promise((resolve) => (resolveEntry = resolve)));
    try {
      const response = await render(req, res);
      const type = response.headers.get("content-type") ?? "";
      if (response.status !== 200 || !type.startsWith("text/html") || response.headers.has("set-cookie")) {
        resolveEntry(null);
        return await sendResponse(res, response);
      }
      const body = Buffer.from(await response.arrayBuffer());
      const headers = Object.fromEntries([...response.headers].filter(([h]) => !SKIP_HEADERS.has(h)));
      const gzip = body.length > 1024 ? zlib.gzipSync(body, { level: 6 }) : null;
      const e = {
        body,
        gzip,
        headers,
        sent: new Map(),
        nonce: res.locals.cspNonce,
        expires: Date.now() + ttlMs,
        bytes: body.length + (gzip?.length ?? 0) + key.length,
      };
      // Not stored when something changed while it rendered (here or in another process).
      syncCaches();
      if (epoch === startEpoch) {
        entries.put(key, e);
      }
      // Waiters get this render even when it was not stored: it is as fresh as their request.
      resolveEntry(e);
      return send(req, res, e, "miss");
    } catch (err) {
      resolveEntry(null);
      return next(err);
    } finally {
      inflight.delete(key);
    }
  }

  return { middleware, serveHit, dropAll };
}

// Cached trace pages are answered before Express sees the request; everything else goes to Express.
const server = http.createServer((req, res) => {
  if (!traceCache.serveHit(req, res) && !storefrontCache.serveHit(req, res)) app(req, res);
});
server.listen(port, host, () => {
  log.info({ port: server.address().port }, `Cunpin listening on http://localhost:${server.address().port}`);
});

// Parcel holding periods (reminders a day before, return flags after) and, past MANIFEST_CUTOFF, the
// day's joint-delivery manifests: every 10 minutes, never keeping the process alive;
// `npm run payments:reconcile` runs the same holding sweep.
const sweepParcelHolding = build.entry?.module?.sweepParcelHolding;
// With several processes (WEB_CONCURRENCY, or several servers on one database) the sweep runs in
// the one holding the lease (server/shared-state.js); SWEEP_INTERVAL_MS overrides the 10 minutes.
const sweepIntervalMs = Number(process.env.SWEEP_INTERVAL_MS ?? 10 * 60_000);
// The holder renews at every run; the margin covers a busy event loop delaying its timer, so the
// lease changes hands only when the holder stopped (released) or died (expired).
const sweepLease = createLease(sharedState, "parcel-holding", Math.round(sweepIntervalMs * 1.5) + 10_000);
if (typeof sweepParcelHolding === "function") {
  setInterval(() => {
    try {
      if (!sweepLease.acquire()) return;
      const r = sweepParcelHolding();
      // One line per run, naming the process that holds the lease (tests count them).
      log.info({ holding: r, lease: sweepLease.holder }, "parcel holding sweep");
    } catch (err) {
      log.error({ err }, "parcel holding sweep failed");
    }
  }, sweepIntervalMs).unref();
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // Another process may take the sweeps over at once; this one's scan counts flush on 'exit'.
    sweepLease.release();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
