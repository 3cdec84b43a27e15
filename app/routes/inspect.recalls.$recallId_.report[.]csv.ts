/**
 * GET /inspect/recalls/:recallId/report.csv — the recall report (one row per order line of the
 * lot, UTF-8 with BOM for Excel). Inspectors (buyers' phones in full), platform admins and the
 * lot's producer (masked); anyone else 403 (traceability/recall.ts recallReportFor).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import { recallReportFor } from "~/inspect/inspect.server";
import { getDb } from "~/utils/db.server";
import { getLocale } from "~/utils/i18n.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = z.coerce.number().int().positive().safeParse(params.recallId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  let report: { csv: string; fileName: string };
  try {
    report = recallReportFor(getDb(), user, id.data, getLocale(request));
  } catch (e) {
    if (e instanceof ForbiddenError) throw new Response("Forbidden", { status: 403 });
    if (e instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    throw e;
  }
  const { csv, fileName: name } = report;
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
