/**
 * Event-loop benchmark (issue 14 §3): nothing heavy on the request path.
 *   1. Invoice PDFs (pdfkit + the CJK font) rendered one after another on the server's thread —
 *      the BASELINE, as before — and in the PDF worker (renderInvoicePdf), while a 5 ms timer
 *      stands in for every other request: how late it fires is how long they wait (event-loop
 *      delay). Target: p99 ≤ 50 ms with the worker.
 *   2. The day's manifests (buildDailyManifests, run by the 10-minute sweep and the admin's
 *      button) on the demo network: first build and rebuilds. Target: < 200 ms. Also the joint
 *      route plan alone for synthetic county routes of 100 and 400 points, where it grows.
 * Runs on a copy of the bench's bulk database (demo data + generated listings).
 *
 *   npx tsx bench/event-loop.ts   (BENCH_PDFS=8, BENCH_LISTINGS=100000 for the database)
 */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { shanghaiDate } from "../core/clock";
import type { Db } from "../db/client";
import { buildDailyManifests } from "../logistics/manifests";
import { planJointDelivery } from "../logistics/routing";
import { mulberry32 } from "../seeds/random";
import { issueOrderInvoices, loadInvoiceDocument, renderInvoicePdf, renderInvoicePdfOnThisThread, type InvoiceDocument } from "../market/invoices/invoices";
import { bulkDatabase } from "./lib/bulk-db";
import { runIfMain } from "./lib/main";
import { setting } from "./lib/settings";
import { formatTable, ms } from "./lib/table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SETTINGS = {
  pdfs: setting("BENCH_PDFS", 8, 200),
  listings: setting("BENCH_LISTINGS", 100_000, 1_000_000),
  manifestRebuilds: 20,
  delayTargetMs: 50,
  manifestTargetMs: 200,
};

type Delay = { perPdfMs: number; lateP50: number; lateP99: number; lateMax: number; ticks: number };

function pick(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : 0;
}

/**
 * Renders the documents one after another with `render`, each started from a fresh turn of the
 * event loop (as separate requests would be), while a 5 ms timer stands in for every other
 * request: how late it fires is how long they would wait.
 */
async function watch(docs: InvoiceDocument[], render: (d: InvoiceDocument) => Promise<Buffer>): Promise<Delay> {
  const late: number[] = [];
  let expected = performance.now() + 5;
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - expected));
    expected = now + 5;
  }, 5);
  const started = performance.now();
  for (const d of docs) {
    await new Promise((r) => setImmediate(r));
    await render(d);
  }
  const elapsed = performance.now() - started;
  await new Promise((r) => setTimeout(r, 10)); // the timer's last firing, late if the last PDF blocked
  clearInterval(timer);
  late.sort((a, b) => a - b);
  return { perPdfMs: elapsed / docs.length, lateP50: pick(late, 50), lateP99: pick(late, 99), lateMax: late.at(-1) ?? elapsed, ticks: late.length };
}

/** A county route far beyond the demo: `points` stops, 5 producers each sending to 40 % of them. */
function syntheticRouteMs(points: number): { parcels: number; ms: number } {
  const r = mulberry32(points);
  const depot = { lat: 35.76, lng: 109.43 };
  const stops = Array.from({ length: points }, (_, i) => ({ id: i + 1, lat: 35.76 + (r() - 0.5) * 0.4, lng: 109.43 + (r() - 0.5) * 0.4 }));
  const deliveries: { producerId: number; stop: (typeof stops)[number] }[] = [];
  for (let p = 1; p <= 5; p++) for (const s of stops) if (r() < 0.4) deliveries.push({ producerId: p, stop: s });
  const t = performance.now();
  planJointDelivery(depot, deliveries);
  return { parcels: deliveries.length, ms: performance.now() - t };
}

export async function run() {
  const source = bulkDatabase(root, SETTINGS.listings);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cunpin-bench-event-loop-"));
  try {
    const src = new Database(source, { readonly: true, fileMustExist: true });
    await src.backup(path.join(dir, "cunpin.db"));
    src.close();
    const sqlite = new Database(path.join(dir, "cunpin.db"));
    const db = drizzle(sqlite) as unknown as Db;

    // ── PDFs ──
    const orderIds = sqlite
      .prepare(
        `select distinct order_id from sub_orders where status in ('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed') order by order_id`,
      )
      .pluck()
      .all() as number[];
    const invoices = orderIds.flatMap((id) => issueOrderInvoices(db, id));
    if (!invoices.length) throw new Error("bench: the demo data has no paid order to invoice");
    const docs = Array.from({ length: SETTINGS.pdfs }, (_, i) => loadInvoiceDocument(db, invoices[i % invoices.length].id)!);
    await renderInvoicePdfOnThisThread(docs[0]); // font read and code warmed on this thread
    await renderInvoicePdf(docs[0]); // …and in the worker
    const onThread = await watch(docs, (d) => renderInvoicePdfOnThisThread(d));
    const inWorker = await watch(docs, (d) => renderInvoicePdf(d));

    // ── manifests ──
    const day = shanghaiDate(Date.now());
    sqlite.prepare(`update parcels set manifest_id = null`).run();
    sqlite.prepare(`delete from route_manifests`).run();
    let t = performance.now();
    const built = buildDailyManifests(db, day);
    const firstMs = performance.now() - t;
    const rebuilds: number[] = [];
    for (let i = 0; i < SETTINGS.manifestRebuilds; i++) {
      t = performance.now();
      buildDailyManifests(db, day);
      rebuilds.push(performance.now() - t);
    }
    rebuilds.sort((a, b) => a - b);
    const parcels = built.reduce((s, m) => s + m.parcelCount, 0);
    sqlite.close();
    const large = [100, 400].map((points) => ({ points, ...syntheticRouteMs(points) }));

    console.log(`\nOther requests while ${SETTINGS.pdfs} invoice PDFs render one after another: a 5 ms timer's lateness (${os.cpus().length} CPUs)\n`);
    const row = (label: string, d: Delay) => [label, ms(d.perPdfMs), ms(d.lateP50), ms(d.lateP99), ms(d.lateMax), String(d.ticks)];
    console.log(
      formatTable(
        ["PDFs rendered", "per PDF", "late p50", "late p99", "late max", "timer ticks"],
        [row("on the server thread (before)", onThread), row("in the PDF worker", inWorker)],
      ),
    );
    console.log(
      `\nManifests for ${day} (demo network): ${built.length} routes, ${parcels} parcels: first build ${ms(firstMs)}, rebuild median ${ms(rebuilds[rebuilds.length >> 1])}, max ${ms(rebuilds.at(-1)!)}`,
    );
    for (const l of large) console.log(`Joint route plan for one synthetic county route of ${l.points} points, ${l.parcels} deliveries: ${ms(l.ms)}`);

    const summary = {
      header: ["benchmark", "value", "baseline", "target", "ok"],
      rows: [
        [
          "event loop: other requests late, p99, while PDFs render",
          ms(inWorker.lateP99),
          ms(onThread.lateP99),
          `≤ ${SETTINGS.delayTargetMs} ms`,
          inWorker.lateP99 <= SETTINGS.delayTargetMs ? "yes" : "NO",
        ],
        ["event loop: PDF render time (worker / thread)", ms(inWorker.perPdfMs), ms(onThread.perPdfMs), "", ""],
        [
          `manifests: first build (${built.length} routes, ${parcels} parcels)`,
          ms(firstMs),
          "",
          `< ${SETTINGS.manifestTargetMs} ms`,
          firstMs < SETTINGS.manifestTargetMs ? "yes" : "NO",
        ],
        [
          "manifests: rebuild, worst of 20",
          ms(rebuilds.at(-1)!),
          "",
          `< ${SETTINGS.manifestTargetMs} ms`,
          rebuilds.at(-1)! < SETTINGS.manifestTargetMs ? "yes" : "NO",
        ],
        ...large.map((l) => [`manifests: one route of ${l.points} points, ${l.parcels} deliveries (synthetic)`, ms(l.ms), "", "", ""]),
      ],
    };
    return {
      name: "event-loop",
      at: new Date().toISOString(),
      settings: SETTINGS,
      pdf: { onThread, inWorker },
      manifests: { routes: built.length, parcels, firstMs, rebuildsMs: rebuilds, large },
      summary,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, "event-loop", run);
