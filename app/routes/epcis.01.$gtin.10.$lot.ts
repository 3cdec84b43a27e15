/**
 * The lot's events as an EPCIS 2.0 JSON-LD EPCISDocument. server.js serves this for the trace URL
 * itself (/01/<gtin>/10/<lot>) when the client asks for `Accept: application/ld+json`, so the
 * Digital Link negotiates; this path also works on its own (links, tools, no Accept header).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/utils/db.server";
import { publicOrigin } from "~/utils/public-origin.server";
import { decodeLotParam, findLot, getLotEpcis, traceUrl } from "~/traceability.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const lot = findLot(db, params.gtin ?? "", decodeLotParam(params.lot ?? ""));
  if (!lot) {
    return new Response(JSON.stringify({ error: "not_found" }), {
      status: 404,
      headers: { "Content-Type": "application/json; charset=utf-8", Vary: "Accept" },
    });
  }
  const doc = getLotEpcis(db, lot.gtin, lot.lotCode, publicOrigin(request));
  return new Response(JSON.stringify(doc), {
    headers: {
      "Content-Type": "application/ld+json; charset=utf-8",
      "Cache-Control": "no-cache",
      "Access-Control-Allow-Origin": "*",
      Vary: "Accept",
      Link: `<${traceUrl(publicOrigin(request), lot.gtin, lot.lotCode)}>; rel="describedby"; type="text/html"`,
      // Tells server.js's trace cache that this response may be cached and which lot it shows.
      "X-Cunpin-Trace-Batch": String(lot.batchId),
    },
  });
}
