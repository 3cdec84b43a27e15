/** CSV for Excel: UTF-8 with a byte-order mark, CRLF lines, RFC 4180 quoting, formula-safe cells. */
import { csvCell } from "../traceability/recall";

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return "\uFEFF" + [header, ...rows].map((r) => r.map((c) => csvCell(c)).join(",")).join("\r\n") + "\r\n";
}
