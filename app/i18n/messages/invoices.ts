/** Electronic invoices (issue 4, W2). Chinese is the source. */
export const zh = {
  "invoices.title": "电子发票",
  "invoices.none": "支付完成后自动开具发票。",
  "invoices.download": "下载发票 {number}（PDF）",
  "invoices.pending": "发票 PDF 生成中，稍后刷新本页即可查看；现在点击下载也可以，只是要多等几秒。",
  "invoices.refresh": "刷新",
  "invoices.number": "发票号码",
  "invoices.exempt": "免税",
  "invoices.vat": "增值税 {rate}%：{amount}",
  "invoices.forSubOrder": "子订单 #{id}",
};

export const en: Record<keyof typeof zh, string> = {
  "invoices.title": "Invoices",
  "invoices.none": "Invoices are issued automatically once the order is paid.",
  "invoices.download": "Download invoice {number} (PDF)",
  "invoices.pending": "The invoice PDF is being generated; refresh this page in a moment. Downloading now works too, it just takes a few seconds longer.",
  "invoices.refresh": "Refresh",
  "invoices.number": "Invoice no.",
  "invoices.exempt": "VAT exempt",
  "invoices.vat": "VAT {rate}%: {amount}",
  "invoices.forSubOrder": "Sub-order #{id}",
};
