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
import path from "node:path";
import PDFDocument from "pdfkit";
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
      | InvoiceRow
      | undefined) ?? null
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
        | { id: number; producerId: number; status: string; subtotalFen: number; buyerId: number; kind: ProducerKind; vatRateBp: number | null }
        | undefined;
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

/**
 * The CJK font: CUNPIN_CJK_FONT (a .ttf/.otf/.ttc), else Debian's fonts-noto-cjk, else a font
 * shipped in public/fonts (Noto is SIL OFL 1.1, which allows bundling). Without any of them the
 * PDF falls back to Helvetica and prints non-Latin-1 characters as "?" — readable numbers and
 * amounts, but no Chinese; a warning is logged once, and the operator installs fonts-noto-cjk
 * (scripts/ensure-tools.sh and .ci/run do).
 */
const FONT_CANDIDATES: { file: string; family?: string }[] = [
  { file: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { file: "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { file: path.join(process.cwd(), "public/fonts/NotoSansSC-Regular.otf") },
  { file: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", family: "WenQuanYi Micro Hei" },
];

type CjkFont = { buffer: Buffer; family?: string } | null;
let cjkFont: CjkFont | undefined;

function findCjkFont(): CjkFont {
  if (cjkFont !== undefined) return cjkFont;
  const fromEnv = process.env.CUNPIN_CJK_FONT;
  const candidates = fromEnv ? [{ file: fromEnv, family: process.env.CUNPIN_CJK_FONT_FAMILY }, ...FONT_CANDIDATES] : FONT_CANDIDATES;
  for (const c of candidates) {
    try {
      // Read once per process: the TTC is ~20 MB, pdfkit embeds only the glyphs used (subset).
      cjkFont = { buffer: fs.readFileSync(c.file), family: c.family };
      return cjkFont;
    } catch {
      // try the next one
    }
  }
  cjkFont = null;
  logger.warn({ tried: candidates.map((c) => c.file) }, "no CJK font for invoice PDFs: Chinese prints as '?' (install fonts-noto-cjk)");
  return cjkFont;
}

/** Whether Chinese text can be printed (tests and health output). */
export function hasCjkFont(): boolean {
  return findCjkFont() !== null;
}

/**
 * The invoice as PDF bytes. Bilingual labels (Chinese first). The invoice number is also written
 * to the document info (Title/Subject), which stays uncompressed: searchable in the raw bytes.
 */
export function renderInvoicePdf(doc: InvoiceDocument, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const font = findCjkFont();
  const pdf = new PDFDocument({
    size: "A4",
    margin: 50,
    compress: opts.compress ?? true,
    info: { Title: `Invoice ${doc.number}`, Subject: doc.number, Author: "Cunpin", Producer: "Cunpin", CreationDate: new Date(doc.issuedAt) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("data", (c: Buffer) => chunks.push(c));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  let text = (s: string) => s;
  if (font) {
    pdf.registerFont("cjk", font.buffer, font.family as string);
    pdf.font("cjk");
  } else {
    pdf.font("Helvetica");
    text = (s: string) => s.replace(/[^\x20-\xff]/g, "?");
  }
  const left = 50;
  const width = pdf.page.width - 100;

  pdf.fontSize(18).text(text("电子发票 / Invoice"), { align: "center" });
  pdf.moveDown(0.5);
  pdf.fontSize(10);
  const kv = (label: string, value: string) => pdf.text(text(`${label}: ${value}`));
  kv("发票号码 Invoice No.", doc.number);
  kv("开票日期 Date", shanghaiDate(doc.issuedAt));
  kv("订单 Order", `#${doc.orderId} / ${doc.subOrderId}`);
  pdf.moveDown(0.5);
  pdf.fontSize(11).text(text("销售方 Seller"));
  pdf.fontSize(10);
  kv("名称 Name", doc.seller.nameEn ? `${doc.seller.nameZh} (${doc.seller.nameEn})` : doc.seller.nameZh);
  kv("统一社会信用代码 Credit code", doc.seller.creditCode);
  kv("地址 Address", doc.seller.address);
  pdf.moveDown(0.5);
  pdf.fontSize(11).text(text("购买方 Buyer"));
  pdf.fontSize(10);
  kv("名称 Name", doc.buyer.displayName);
  kv("手机 Phone", doc.buyer.phone);
  pdf.moveDown(0.8);

  // Lines table: four columns.
  const cols = [left, left + width * 0.5, left + width * 0.65, left + width * 0.82];
  const row = (cells: string[]) => {
    const y = pdf.y;
    let bottom = y;
    cells.forEach((c, i) => {
      pdf.text(text(c), cols[i], y, { width: (cols[i + 1] ?? left + width) - cols[i] - 6, align: i === 0 ? "left" : "right" });
      bottom = Math.max(bottom, pdf.y); // a long item name wraps: the next row starts below it
    });
    pdf.x = left;
    pdf.y = bottom;
    pdf.moveDown(0.3);
  };
  row(["商品 Item", "数量 Qty", "单价 Unit", "金额 Amount"]);
  pdf.moveTo(left, pdf.y).lineTo(left + width, pdf.y).stroke();
  pdf.moveDown(0.3);
  for (const l of doc.lines) row([l.title, String(l.quantity), formatFen(l.unitPriceFen), formatFen(l.totalFen)]);
  pdf.moveTo(left, pdf.y).lineTo(left + width, pdf.y).stroke();
  pdf.moveDown(0.5);

  const net = doc.totalFen - doc.vatFen;
  kv("价税合计 Total (VAT incl.)", formatFen(doc.totalFen));
  if (doc.vatTreatment === "exempt") {
    kv("增值税 VAT", "免税 exempt (农业生产者销售自产农产品 / farmer selling own produce)");
  } else {
    kv("不含税金额 Net", formatFen(net));
    kv(`增值税 VAT ${((doc.vatRateBp ?? 0) / 100).toFixed(0)}%`, formatFen(doc.vatFen));
  }
  pdf.moveDown(1);
  pdf.fontSize(8).fillColor("#555").text(text("本发票由村品平台根据已支付订单生成。 Issued by Cunpin for a paid order."));
  pdf.end();
  return done;
}
