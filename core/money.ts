/** Money is CNY in integer fen (1 yuan = 100 fen). */

/** 1250 → "¥12.50"; negative amounts keep their sign before the symbol. */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new Error(`fen must be an integer, got ${fen}`);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  const cents = String(abs % 100).padStart(2, "0");
  return `${sign}¥${yuan}.${cents}`;
}

/**
 * Parses what a person types as a yuan amount ("12.5", "12.50", "¥12", "１２.５") into fen,
 * exactly (no floating point). Returns null for anything else, including more than 2 decimals.
 * A comma is a thousands separator only between groups of three digits ("1,250", "1,250.50");
 * followed by one or two digits it is a decimal mark, as many phone keyboards offer it
 * ("12,5" is ¥12.50, never ¥125.00); anywhere else the amount is refused.
 */
export function parseYuanToFen(input: string): number | null {
  let s = input
    .normalize("NFKC")
    .trim()
    .replace(/^[¥￥]/, "")
    .trim();
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$/.test(s)) s = s.replace(/,/g, "");
  else if (/^\d+,\d{1,2}$/.test(s)) s = s.replace(",", ".");
  else if (s.includes(",")) return null;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** 1250 → "12.50", for prefilling a price field. */
export function fenToYuanInput(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}
