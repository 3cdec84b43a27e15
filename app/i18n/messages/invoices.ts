/** Electronic invoices (issue 4, W2). Chinese is the source. */
export const zh = {
  "invoices.title": "电子发票",
  "invoices.none": "支付完成后自动开具发票。",
  "invoices.download": "下载发票 {number}（PDF）",
  "invoices.number": "发票号码",
  "invoices.exempt": "免税",
  "invoices.vat": "增值税 {rate}%：{amount}",
  "invoices.forSubOrder": "子订单 #{id}",
};

export const en: Record<keyof typeof zh, string> = {
  "invoices.title": "Invoices",
  "invoices.none": "Invoices are issued automatically once the order is paid.",
  "invoices.download": "Download invoice {number} (PDF)",
  "invoices.number": "Invoice no.",
  "invoices.exempt": "VAT exempt",
  "invoices.vat": "VAT {rate}%: {amount}",
  "invoices.forSubOrder": "Sub-order #{id}",
};
