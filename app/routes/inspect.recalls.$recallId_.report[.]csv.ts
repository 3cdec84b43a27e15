/**
 * GET /inspect/recalls/:recallId/report.csv — the recall report (one row per order line of the
 * lot, UTF-8 with BOM for Excel). Inspectors and platform admins only.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getRecall, getRecallLot, recallReportCsv, recallReportFileName } from "~/inspect/inspect.server";
import { getDb } from "~/utils/db.server";
import { getLocale } from "~/utils/i18n.server";
import { requireRole } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "inspector", "platform_admin");
  const id = z.coerce.number().int().positive().safeParse(params.recallId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const db = getDb();
  const recall = getRecall(db, id.data);
  const lot = recall && getRecallLot(db, recall.batchId);
  if (!recall || !lot) throw new Response("Not found", { status: 404 });
  const csv = recallReportCsv(db, recall.batchId, { locale: getLocale(request) });
  const name = recallReportFileName(lot);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
