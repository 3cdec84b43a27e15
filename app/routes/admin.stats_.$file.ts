/**
 * GET /admin/stats/<table>.csv?<filter> — one statistics table as CSV (UTF-8 with BOM, Chinese
 * header row by default, opens in Excel): sales, regions, categories, kinds, delivery, quality,
 * producers. Same roles and county scoping as the page.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { shanghaiCompactDate } from "../../core/clock";
import { makeTranslator, messagesFor } from "~/i18n/core";
import { byCategory, byProducerKind, byRegion, deliverySeries, producerReport, qualitySeries, salesSeries, toCsv } from "~/oversight.server";
import { statsRequest } from "~/stats/stats.server";
import { csvRows, TABLE_NAMES, type TableName } from "~/stats/tables";
import { getDb } from "~/utils/db.server";
import { load, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { requireRole } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector", "county_official");
  const m = /^([a-z]+)\.csv$/.exec(params.file ?? "");
  const name = m?.[1] as TableName | undefined;
  if (!name || !TABLE_NAMES.includes(name)) notFound();
  const locale = getLocale(request);
  const t = makeTranslator(messagesFor(locale));
  const csv = await load(() => {
    const { scope } = statsRequest(request, user);
    const db = getDb();
    const rows: readonly unknown[] = {
      sales: () => salesSeries(db, scope),
      regions: () => byRegion(db, scope),
      categories: () => byCategory(db, scope),
      kinds: () => byProducerKind(db, scope),
      delivery: () => deliverySeries(db, scope).series,
      quality: () => qualitySeries(db, scope).series,
      producers: () => producerReport(db, scope),
    }[name]();
    const table = csvRows(name, rows, { locale, t, has: (k) => t.has(k) });
    return toCsv(table.header, table.rows);
  });
  const fileName = `cunpin-${name}-${shanghaiCompactDate(Date.now())}.csv`;
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
