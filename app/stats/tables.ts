/**
 * The statistics tables: their columns once, for the page (rendered) and the CSV download
 * (same headers, money in yuan with two decimals). Plain module (no server code).
 */
import type { MessageKey } from "~/i18n/core";
import type { Locale } from "~/i18n/format";
import type { CategoryRow, DeliveryPoint, KindRow, ProducerReportRow, QualityPoint, RegionRow, SalesPoint } from "~/oversight.server";

export type Cell = { text: string | number | null; money?: boolean };
export type Ctx = { locale: Locale; t: (key: MessageKey) => string; has: (key: string) => boolean };
type Column<R> = { key: MessageKey; cell: (r: R, ctx: Ctx) => string | number | null; money?: boolean };

const name = (r: { nameZh: string; nameEn: string }, ctx: Ctx) => (ctx.locale === "en" && r.nameEn ? r.nameEn : r.nameZh);
const kindLabel = (kind: string, ctx: Ctx) => (ctx.has(`producerKind.${kind}`) ? ctx.t(`producerKind.${kind}` as MessageKey) : kind);

export const TABLES = {
  sales: [
    { key: "stats.col.period", cell: (r) => r.period },
    { key: "stats.col.sales", cell: (r) => r.salesFen, money: true },
    { key: "stats.col.refunds", cell: (r) => r.refundFen, money: true },
    { key: "stats.col.net", cell: (r) => r.netFen, money: true },
    { key: "stats.col.orders", cell: (r) => r.orders },
    { key: "stats.col.units", cell: (r) => r.units },
    { key: "stats.col.buyers", cell: (r) => r.buyers },
  ] as Column<SalesPoint>[],
  regions: [
    { key: "stats.col.region", cell: name },
    { key: "stats.col.sales", cell: (r) => r.salesFen, money: true },
    { key: "stats.col.orders", cell: (r) => r.orders },
    { key: "stats.col.buyers", cell: (r) => r.buyers },
  ] as Column<RegionRow>[],
  categories: [
    { key: "stats.col.category", cell: name },
    { key: "stats.col.sales", cell: (r) => r.salesFen, money: true },
    { key: "stats.col.units", cell: (r) => r.units },
  ] as Column<CategoryRow>[],
  kinds: [
    { key: "stats.col.kind", cell: (r, ctx) => kindLabel(r.kind, ctx) },
    { key: "stats.col.sales", cell: (r) => r.salesFen, money: true },
    { key: "stats.col.orders", cell: (r) => r.orders },
    { key: "stats.col.producers", cell: (r) => r.producers },
  ] as Column<KindRow>[],
  delivery: [
    { key: "stats.col.period", cell: (r) => r.period },
    { key: "stats.col.arrived", cell: (r) => r.arrived },
    { key: "stats.col.pickedUp", cell: (r) => r.pickedUp },
    { key: "stats.col.pickedUpPct", cell: (r) => r.pickedUpPct },
    { key: "stats.col.medianHours", cell: (r) => r.medianHours },
    { key: "stats.col.returned", cell: (r) => r.returned },
    { key: "stats.col.overdue", cell: (r) => r.overdue },
  ] as Column<DeliveryPoint>[],
  quality: [
    { key: "stats.col.period", cell: (r) => r.period },
    { key: "stats.col.units", cell: (r) => r.units },
    { key: "stats.col.unitsVerified", cell: (r) => r.unitsVerified },
    { key: "stats.col.coverage", cell: (r) => r.coveragePct },
    { key: "stats.col.passed", cell: (r) => r.inspectionsPassed },
    { key: "stats.col.failed", cell: (r) => r.inspectionsFailed },
    { key: "stats.col.passRate", cell: (r) => r.passRatePct },
    { key: "stats.col.recalls", cell: (r) => r.recalls },
  ] as Column<QualityPoint>[],
  producers: [
    { key: "stats.col.producer", cell: (r) => r.nameZh },
    { key: "stats.col.county", cell: (r) => r.countyZh },
    { key: "stats.col.kind", cell: (r, ctx) => kindLabel(r.kind, ctx) },
    { key: "stats.col.sales", cell: (r) => r.salesFen, money: true },
    { key: "stats.col.orders", cell: (r) => r.orders },
    { key: "stats.col.refunds", cell: (r) => r.refundFen, money: true },
    { key: "stats.col.refundCount", cell: (r) => r.refunds },
    { key: "stats.col.payouts", cell: (r) => r.payoutFen, money: true },
    { key: "stats.col.payoutCount", cell: (r) => r.payouts },
    { key: "stats.col.arrived", cell: (r) => r.arrived },
    { key: "stats.col.pickedUp", cell: (r) => r.pickedUp },
    { key: "stats.col.returned", cell: (r) => r.returned },
    { key: "stats.col.overdue", cell: (r) => r.overdue },
  ] as Column<ProducerReportRow>[],
};
export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Yuan with two decimals, as a spreadsheet reads a number ("-12.50"). */
export const yuan = (fen: number): string => `${fen < 0 ? "-" : ""}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, "0")}`;

/** Header and rows of a table as plain values (the CSV, and the page before formatting money). */
export function tableRows<R>(name: TableName, rows: readonly R[], ctx: Ctx): { header: string[]; cells: Cell[][] } {
  const cols = TABLES[name] as unknown as Column<R>[];
  return { header: cols.map((c) => ctx.t(c.key)), cells: rows.map((r) => cols.map((c) => ({ text: c.cell(r, ctx), money: c.money }))) };
}

export function csvRows<R>(name: TableName, rows: readonly R[], ctx: Ctx): { header: string[]; rows: (string | number | null)[][] } {
  const { header, cells } = tableRows(name, rows, ctx);
  return { header, rows: cells.map((r) => r.map((c) => (c.money && typeof c.text === "number" ? yuan(c.text) : c.text))) };
}
