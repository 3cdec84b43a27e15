/**
 * GET /orders/:orderId/invoices/:invoiceId.pdf — the invoice of one sub-order as PDF.
 * The buyer, a member of the selling producer, or a platform admin; 403 for anyone else, 404 when
 * the invoice does not exist or belongs to another order. (`$file` and not `$invoiceId[.]pdf`:
 * React Router has no partial dynamic segments, so the ".pdf" is parsed here.)
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { canViewInvoice, getInvoice, invoicePdf } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { parseOrderId } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const orderId = parseOrderId(params.orderId);
  const m = /^(\d{1,10})\.pdf$/.exec(params.file ?? "");
  const invoiceId = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(invoiceId) || invoiceId <= 0) throw new Response("error.notFound", { status: 404 });
  const db = getDb();
  const invoice = getInvoice(db, invoiceId);
  if (!invoice || invoice.orderId !== orderId) throw new Response("error.notFound", { status: 404 });
  if (!canViewInvoice(user, invoice)) throw new Response("error.forbidden", { status: 403 });
  // The stored PDF, or rendered now in the PDF worker (the event loop stays free meanwhile).
  const pdf = (await invoicePdf(db, invoiceId))!;
  const name = `${invoice.number}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.length),
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
