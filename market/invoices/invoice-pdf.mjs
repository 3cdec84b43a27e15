/**
 * The invoice PDF layout (pdfkit + a CJK font), in plain JavaScript so that a worker thread can
 * load it without a TypeScript loader (market/invoices/pdf-worker.mjs; issue 14 §3: a PDF takes
 * 0.5–1.3 s of CPU, which must not block the event loop). Everything printed arrives already
 * formatted (dates, amounts) from invoices.ts, so this file knows nothing about money or time zones.
 */
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";

/**
 * The CJK font: CUNPIN_CJK_FONT (a .ttf/.otf/.ttc), else Debian's fonts-noto-cjk, else a font
 * shipped in public/fonts (Noto is SIL OFL 1.1, which allows bundling). Without any of them the
 * PDF falls back to Helvetica and prints non-Latin-1 characters as "?" — readable numbers and
 * amounts, but no Chinese; invoices.ts logs a warning, and the operator installs fonts-noto-cjk.
 */
const FONT_CANDIDATES = [
  { file: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { file: "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", family: "NotoSansCJKsc-Regular" },
  { file: path.join(process.cwd(), "public/fonts/NotoSansSC-Regular.otf") },
  { file: "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", family: "WenQuanYi Micro Hei" },
];

/** @type {{ buffer: Buffer; family?: string } | null | undefined} */
let cjkFont;

/** The font files tried, in order. */
export function fontCandidates() {
  const fromEnv = process.env.CUNPIN_CJK_FONT;
  return fromEnv ? [{ file: fromEnv, family: process.env.CUNPIN_CJK_FONT_FAMILY }, ...FONT_CANDIDATES] : FONT_CANDIDATES;
}

/** @returns {{ buffer: Buffer; family?: string } | null} */
export function findCjkFont() {
  if (cjkFont !== undefined) return cjkFont;
  for (const c of fontCandidates()) {
    try {
      // Read once per thread: the TTC is ~20 MB, pdfkit embeds only the glyphs used (subset).
      cjkFont = { buffer: fs.readFileSync(c.file), family: c.family };
      return cjkFont;
    } catch {
      // try the next one
    }
  }
  cjkFont = null;
  return cjkFont;
}

/**
 * @typedef {{
 *   number: string; issuedAt: number; issuedDate: string; orderId: number; subOrderId: number;
 *   seller: { name: string; creditCode: string; address: string };
 *   buyer: { displayName: string; phone: string };
 *   lines: { title: string; quantity: string; unitPrice: string; total: string }[];
 *   totals: [label: string, value: string][];
 * }} InvoicePrintout
 */

/**
 * The invoice as PDF bytes. Bilingual labels (Chinese first). The invoice number is also written
 * to the document info (Title/Subject), which stays uncompressed: searchable in the raw bytes.
 * @param {InvoicePrintout} doc
 * @param {{ compress?: boolean }} [opts]
 * @returns {Promise<Buffer>}
 */
export function layoutInvoicePdf(doc, opts = {}) {
  const font = findCjkFont();
  const pdf = new PDFDocument({
    size: "A4",
    margin: 50,
    compress: opts.compress ?? true,
    info: { Title: `Invoice ${doc.number}`, Subject: doc.number, Author: "Cunpin", Producer: "Cunpin", CreationDate: new Date(doc.issuedAt) },
  });
  /** @type {Buffer[]} */
  const chunks = [];
  const done = new Promise((resolve, reject) => {
    pdf.on("data", (c) => chunks.push(c));
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  let text = (/** @type {string} */ s) => s;
  if (font) {
    pdf.registerFont("cjk", font.buffer, font.family);
    pdf.font("cjk");
  } else {
    pdf.font("Helvetica");
    text = (s) => s.replace(/[^\x20-\xff]/g, "?");
  }
  const left = 50;
  const width = pdf.page.width - 100;

  pdf.fontSize(18).text(text("电子发票 / Invoice"), { align: "center" });
  pdf.moveDown(0.5);
  pdf.fontSize(10);
  const kv = (/** @type {string} */ label, /** @type {string} */ value) => pdf.text(text(`${label}: ${value}`));
  kv("发票号码 Invoice No.", doc.number);
  kv("开票日期 Date", doc.issuedDate);
  kv("订单 Order", `#${doc.orderId} / ${doc.subOrderId}`);
  pdf.moveDown(0.5);
  pdf.fontSize(11).text(text("销售方 Seller"));
  pdf.fontSize(10);
  kv("名称 Name", doc.seller.name);
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
  const row = (/** @type {string[]} */ cells) => {
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
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .stroke();
  pdf.moveDown(0.3);
  for (const l of doc.lines) row([l.title, l.quantity, l.unitPrice, l.total]);
  pdf
    .moveTo(left, pdf.y)
    .lineTo(left + width, pdf.y)
    .stroke();
  pdf.moveDown(0.5);

  for (const [label, value] of doc.totals) kv(label, value);
  pdf.moveDown(1);
  pdf.fontSize(8).fillColor("#555").text(text("本发票由村品平台根据已支付订单生成。 Issued by Cunpin for a paid order."));
  pdf.end();
  return done;
}
