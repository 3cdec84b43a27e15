/**
 * Electronic invoices (issue 4): one per paid sub-order, issued after the payment is committed.
 * Plain module, no Remix; routes decide who may download (canViewInvoice).
 *
 * Numbering: CP-<producerId>-<year>-<seq>, seq running 1, 2, 3… per producer and (China) year
 * without gaps. The counter row and the invoice row are written in ONE immediate transaction, so a
 * number is never taken without its invoice (no gaps) and never twice (the write lock serialises
 * issuers, also across processes). issueInvoice is idempotent: a second call for the same
 * sub-order returns the invoice already issued (unique index on sub_order_id backs this up).
 *
 * VAT (增值税): cooperatives, family farms and large growers selling their own produce are exempt
 * (免税, 农业生产者销售自产农产品). Agribusinesses charge producers.vat_rate_bp (default 900 = 9 %,
 * the rate for agricultural products). Prices include VAT, so VAT = gross × rate / (1 + rate).
 */
import { shanghaiDate, shanghaiYear } from "../../core/clock";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { findCjkFont, fontCandidates, layoutInvoicePdf, type InvoicePrintout } from "./invoice-pdf.mjs";
import type { Db } from "../../db/client";
import type { ProducerKind } from "../../db/schema";
import type { Actor } from "../../core/permissions";
import { formatFen } from "../../core/money";
import { logger } from "../../core/logger";

export const DEFAULT_AGRI_VAT_BP = 900;
/** Statuses after payment: only these sub-orders get an invoice. */
const INVOICEABLE = new Set(["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"]);

export type VatTreatment = { vatTreatment: "exempt" | "taxable"; vatRateBp: number | null; vatFen: number };

/** VAT of a gross (VAT-inclusive) amount for a producer of this kind. */
export function vatFor(kind: ProducerKind, vatRateBp: number | null, grossFen: number): VatTreatment {
  if (kind !== "agribusiness") return { vatTreatment: "exempt", vatRateBp: null, vatFen: 0 };
  const rate = vatRateBp ?? DEFAULT_AGRI_VAT_BP;
  return { vatTreatment: "taxable", vatRateBp: rate, vatFen: Math.round((grossFen * rate) / (10_000 + rate)) };
}

export function formatInvoiceNumber(producerId: number, year: number, seq: number): string {
  return `CP-${producerId}-${year}-${String(seq).padStart(6, "0")}`;
}

export type InvoiceRow = {
  id: number;
  subOrderId: number;
  orderId: number;
  number: string;
  producerId: number;
  buyerId: number;
  vatTreatment: "exempt" | "taxable";
  vatRateBp: number | null;
  totalFen: number;
  vatFen: number;
  issuedAt: number;
};

const INVOICE_COLUMNS = `i.id, i.sub_order_id as subOrderId, s.order_id as orderId, i.number, i.producer_id as producerId,
  i.buyer_id as buyerId, i.vat_treatment as vatTreatment, i.vat_rate_bp as vatRateBp, i.total_fen as totalFen,
  i.vat_fen as vatFen, i.issued_at as issuedAt`;

export function getInvoice(db: Db, invoiceId: number): InvoiceRow | null {
  return (
    (db.$client.prepare(`select ${INVOICE_COLUMNS} from invoices i join sub_orders s on s.id = i.sub_order_id where i.id = ?`).get(invoiceId) as
      InvoiceRow | undefined) ?? null
  );
}

export function listOrderInvoices(db: Db, orderId: number): InvoiceRow[] {
  return db.$client
    .prepare(`select ${INVOICE_COLUMNS} from invoices i join sub_orders s on s.id = i.sub_order_id where s.order_id = ? order by i.sub_order_id`)
    .all(orderId) as InvoiceRow[];
}

/** Invoices of the given sub-orders, keyed by sub-order id (the producer inbox). */
export function invoicesBySubOrder(db: Db, subOrderIds: readonly number[]): Record<number, { id: number; number: string; orderId: number }> {
  if (!subOrderIds.length) return {};
  const rows = db.$client
    .prepare(
      `select i.id, i.number, i.sub_order_id as subOrderId, s.order_id as orderId from invoices i join sub_orders s on s.id = i.sub_order_id
       where i.sub_order_id in (${subOrderIds.map(() => "?").join(",")})`,
    )
    .all(...subOrderIds) as { id: number; number: string; subOrderId: number; orderId: number }[];
  return Object.fromEntries(rows.map((r) => [r.subOrderId, { id: r.id, number: r.number, orderId: r.orderId }]));
}

/** The buyer, a member of the selling producer, or a platform admin. */
export function canViewInvoice(actor: Actor | null | undefined, invoice: Pick<InvoiceRow, "buyerId" | "producerId">): boolean {
  if (!actor) return false;
  return actor.id === invoice.buyerId || actor.producerIds.includes(invoice.producerId) || actor.roles.includes("platform_admin");
}

/**
 * Issues the invoice of a paid sub-order (or returns the one already issued). Returns null when
 * the sub-order is not (yet) paid. One IMMEDIATE transaction: counter + invoice.
 */
export function issueInvoice(db: Db, subOrderId: number, now = Date.now()): InvoiceRow | null {
  const sqlite = db.$client;
  const id = sqlite
    .transaction((): number | null => {
      const existing = sqlite.prepare(`select id from invoices where sub_order_id = ?`).pluck().get(subOrderId) as number | undefined;
      if (existing !== undefined) return existing;
      const sub = sqlite
        .prepare(
          `select s.id, s.producer_id as producerId, s.status, s.subtotal_fen as subtotalFen, o.buyer_id as buyerId,
                  p.kind, p.vat_rate_bp as vatRateBp
           from sub_orders s join orders o on o.id = s.order_id join producers p on p.id = s.producer_id where s.id = ?`,
        )
        .get(subOrderId) as
        { id: number; producerId: number; status: string; subtotalFen: number; buyerId: number; kind: ProducerKind; vatRateBp: number | null } | undefined;
      if (!sub || !INVOICEABLE.has(sub.status)) return null;
      // Catch weight: the invoice states what is finally charged, so it waits until every
      // sold-by-weight line is weighed; the amount is the sum of the lines (weighed totals).
      const lines = sqlite
        .prepare(
          `select count(*) filter (where sold_by_weight = 1 and weighed_total_fen is null) as unweighed,
                  coalesce(sum(coalesce(weighed_total_fen, quantity * unit_price_fen)), 0) as totalFen
           from order_lines where sub_order_id = ?`,
        )
        .get(subOrderId) as { unweighed: number; totalFen: number };
      if (lines.unweighed > 0) return null;
      const totalFen = lines.totalFen;
      const year = shanghaiYear(now);
      const seq = sqlite
        .prepare(
          `insert into invoice_counters (producer_id, year, last_seq) values (?, ?, 1)
           on conflict (producer_id, year) do update set last_seq = last_seq + 1 returning last_seq`,
        )
        .pluck()
        .get(sub.producerId, year) as number;
      const vat = vatFor(sub.kind, sub.vatRateBp, totalFen);
      return Number(
        sqlite
          .prepare(
            `insert into invoices (sub_order_id, number, producer_id, buyer_id, vat_treatment, vat_rate_bp, total_fen, vat_fen, issued_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(sub.id, formatInvoiceNumber(sub.producerId, year, seq), sub.producerId, sub.buyerId, vat.vatTreatment, vat.vatRateBp, totalFen, vat.vatFen, now)
          .lastInsertRowid,
      );
    })
    .immediate();
  return id === null ? null : getInvoice(db, id);
}

/** Invoices for every paid sub-order of an order (called after the payment commit; idempotent). */
export function issueOrderInvoices(db: Db, orderId: number, now = Date.now()): InvoiceRow[] {
  const subs = db.$client.prepare(`select id from sub_orders where order_id = ? order by id`).pluck().all(orderId) as number[];
  return subs.map((s) => issueInvoice(db, s, now)).filter((i): i is InvoiceRow => i !== null);
}

/**
 * Issues the invoices that are due but missing: a paid sub-order (every sold-by-weight line
 * weighed) without one, because the process stopped between the payment's commit and the issue.
 * Run by reconcile; pages only read invoices. Returns the sub-orders invoiced.
 */
export function issueMissingInvoices(db: Db, now = Date.now()): number[] {
  const due = db.$client
    .prepare(
      `select s.id from sub_orders s where s.status in (${[...INVOICEABLE].map(() => "?").join(",")})
         and not exists (select 1 from invoices i where i.sub_order_id = s.id)
         and not exists (select 1 from order_lines ol where ol.sub_order_id = s.id and ol.sold_by_weight = 1 and ol.weighed_total_fen is null)
       order by s.id`,
    )
    .pluck()
    .all(...INVOICEABLE) as number[];
  return due.filter((subOrderId) => issueInvoice(db, subOrderId, now) !== null);
}

// ─── PDF ────────────────────────────────────────────────────────────────────

export type InvoiceDocument = InvoiceRow & {
  seller: { nameZh: string; nameEn: string; creditCode: string; address: string };
  buyer: { displayName: string; phone: string };
  lines: { title: string; quantity: number; unitPriceFen: number; totalFen: number }[];
};

/** Everything the PDF prints, read in one place. */
export function loadInvoiceDocument(db: Db, invoiceId: number): InvoiceDocument | null {
  const inv = getInvoice(db, invoiceId);
  if (!inv) return null;
  const sqlite = db.$client;
  const seller = sqlite
    .prepare(`select name_zh as nameZh, name_en as nameEn, credit_code as creditCode, address from producers where id = ?`)
    .get(inv.producerId) as InvoiceDocument["seller"];
  const buyer = sqlite.prepare(`select display_name as displayName, phone from users where id = ?`).get(inv.buyerId) as InvoiceDocument["buyer"];
  const lines = sqlite
    .prepare(
      `select l.title, ol.quantity, ol.unit_price_fen as unitPriceFen, coalesce(ol.weighed_total_fen, ol.quantity * ol.unit_price_fen) as totalFen
       from order_lines ol join listings l on l.id = ol.listing_id where ol.sub_order_id = ? order by ol.id`,
    )
    .all(inv.subOrderId) as InvoiceDocument["lines"];
  return { ...inv, seller, buyer, lines };
}

/** Whether Chinese text can be printed (tests and health output); warns once when it cannot. */
export function hasCjkFont(): boolean {
  const found = findCjkFont() !== null;
  if (!found && !fontWarned) {
    fontWarned = true;
    logger.warn({ tried: fontCandidates().map((c) => c.file) }, "no CJK font for invoice PDFs: Chinese prints as '?' (install fonts-noto-cjk)");
  }
  return found;
}
let fontWarned = false;

/** What the PDF prints, every value formatted here (money, China date), so the layout needs no domain code. */
export function invoicePrintout(doc: InvoiceDocument): InvoicePrintout {
  const totals: [string, string][] = [["价税合计 Total (VAT incl.)", formatFen(doc.totalFen)]];
  if (doc.vatTreatment === "exempt") {
    totals.push(["增值税 VAT", "免税 exempt (农业生产者销售自产农产品 / farmer selling own produce)"]);
  } else {
    totals.push(["不含税金额 Net", formatFen(doc.totalFen - doc.vatFen)]);
    totals.push([`增值税 VAT ${((doc.vatRateBp ?? 0) / 100).toFixed(0)}%`, formatFen(doc.vatFen)]);
  }
  return {
    number: doc.number,
    issuedAt: doc.issuedAt,
    issuedDate: shanghaiDate(doc.issuedAt),
    orderId: doc.orderId,
    subOrderId: doc.subOrderId,
    seller: {
      name: doc.seller.nameEn ? `${doc.seller.nameZh} (${doc.seller.nameEn})` : doc.seller.nameZh,
      creditCode: doc.seller.creditCode,
      address: doc.seller.address,
    },
    buyer: doc.buyer,
    lines: doc.lines.map((l) => ({ title: l.title, quantity: String(l.quantity), unitPrice: formatFen(l.unitPriceFen), total: formatFen(l.totalFen) })),
    totals,
  };
}

/**
 * The invoice as PDF bytes, laid out in a worker thread (issue 14 §3): a PDF with the CJK font
 * costs 0.5–1.3 s of CPU, which on the main thread would stall every other request. One worker
 * per process, started on first use, jobs queued in order; it does not keep the process alive.
 */
export function renderInvoicePdf(doc: InvoiceDocument, opts: { compress?: boolean } = {}): Promise<Buffer> {
  hasCjkFont();
  return pdfWorker().render(invoicePrintout(doc), opts.compress ?? true);
}

/** The same layout on the calling thread: only for the bench's with/without comparison. */
export function renderInvoicePdfOnThisThread(doc: InvoiceDocument, opts: { compress?: boolean } = {}): Promise<Buffer> {
  return layoutInvoicePdf(invoicePrintout(doc), opts);
}

type Pending = { resolve: (b: Buffer) => void; reject: (e: Error) => void };
let worker: { render: (printout: InvoicePrintout, compress: boolean) => Promise<Buffer> } | null = null;

function pdfWorker() {
  if (worker) return worker;
  const w = new Worker(workerFile());
  const pending = new Map<number, Pending>();
  let nextId = 1;
  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    if (worker === handle) worker = null; // the next render starts a fresh worker
  };
  w.on("message", (m: { id: number; pdf?: Uint8Array; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.pdf) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
    else p.reject(new Error(`invoice PDF: ${m.error}`));
    if (!pending.size) w.unref();
  });
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`invoice PDF worker exited with code ${code}`)));
  w.unref();
  const handle = {
    render(printout: InvoicePrintout, compress: boolean): Promise<Buffer> {
      const id = nextId++;
      w.ref(); // a render in progress keeps the process alive until its bytes arrive
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, printout, compress });
      });
    },
  };
  worker = handle;
  return handle;
}

/**
 * pdf-worker.mjs next to this module when running from source (tsx, vitest); from the Remix
 * server bundle (build/index.js) this module has no folder of its own, so the source tree
 * under the working directory, where the server runs.
 */
function workerFile(): string {
  const candidates = [path.join(path.dirname(fileURLToPath(import.meta.url)), "pdf-worker.mjs"), path.join(process.cwd(), "market/invoices/pdf-worker.mjs")];
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) throw new Error(`invoice PDF worker not found (tried ${candidates.join(", ")})`);
  return found;
}

// ─── stored PDFs ─────────────────────────────────────────────────────────────
// An issued invoice never changes, so its PDF is rendered once and kept next to the database
// (data/cunpin-invoices/<id>-<number>.pdf); the download serves the file. The order page
// starts the render on its first view and shows "being generated" until the file exists.

/**
 * Where the invoice PDFs of this database live: a folder beside the database file named after it
 * (data/cunpin.db → data/cunpin-invoices), so that two databases in one folder (tests) never
 * share invoice files.
 */
export function invoicePdfDir(db: Db): string {
  const file = db.$client.name;
  if (!file || file === ":memory:") return path.join(os.tmpdir(), `cunpin-invoices-${process.pid}`);
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `${path.basename(abs, path.extname(abs))}-invoices`);
}

function pdfFile(db: Db, inv: Pick<InvoiceRow, "id" | "number">): string {
  return path.join(invoicePdfDir(db), `${inv.id}-${inv.number}.pdf`);
}

export function invoicePdfReady(db: Db, inv: Pick<InvoiceRow, "id" | "number">): boolean {
  return fs.existsSync(pdfFile(db, inv));
}

const rendering = new Map<string, Promise<Buffer>>();

/** The stored PDF of an invoice, rendered in the worker and stored first when it is not there yet. */
export async function invoicePdf(db: Db, invoiceId: number): Promise<Buffer | null> {
  const doc = loadInvoiceDocument(db, invoiceId);
  if (!doc) return null;
  const file = pdfFile(db, doc);
  try {
    return await fs.promises.readFile(file);
  } catch {
    // not rendered yet
  }
  let job = rendering.get(file);
  if (!job) {
    job = renderInvoicePdf(doc).then(async (pdf) => {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      // Write then rename: another process (or a reader) never sees half a file.
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await fs.promises.writeFile(tmp, pdf);
      await fs.promises.rename(tmp, file);
      return pdf;
    });
    rendering.set(file, job);
    job.then(
      () => rendering.delete(file),
      () => rendering.delete(file),
    );
  }
  return job;
}

/** Starts rendering the invoices whose PDF is not stored yet (the order page); errors are logged, not thrown. */
export function prepareInvoicePdfs(db: Db, invoices: readonly Pick<InvoiceRow, "id" | "number">[]): void {
  for (const inv of invoices) {
    if (invoicePdfReady(db, inv)) continue;
    invoicePdf(db, inv.id).catch((error: unknown) => logger.error({ err: error, invoiceId: inv.id }, "invoice PDF render failed"));
  }
}
