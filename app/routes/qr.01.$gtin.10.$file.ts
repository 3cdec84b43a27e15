/**
 * QR codes of a lot's GS1 Digital Link: GET /qr/01/<GTIN-14>/10/<lot>.png and .svg.
 * The code encodes `<origin>/01/<gtin>/10/<lot>` (origin = PUBLIC_ORIGIN or the request's).
 * Codes are deterministic, so they are memoised in memory and cached by browsers for a day.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import QRCode from "qrcode";
import { getDb } from "~/utils/db.server";
import { publicOrigin } from "~/utils/public-origin.server";
import { decodeLotParam, findLot, traceUrl } from "~/traceability.server";

const memo = new Map<string, Uint8Array<ArrayBuffer> | string>();
const MEMO_MAX = 500;

async function render(url: string, format: "png" | "svg"): Promise<Uint8Array<ArrayBuffer> | string> {
  const key = `${format} ${url}`;
  const hit = memo.get(key);
  if (hit) return hit;
  // Level M survives a scuffed label; margin 2 modules is enough on a white label.
  const out =
    format === "png"
      ? Uint8Array.from(await QRCode.toBuffer(url, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 384 }))
      : await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(key, out);
  return out;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const m = /^(.+)\.(png|svg)$/.exec(decodeLotParam(params.file ?? ""));
  const lot = m ? findLot(getDb(), params.gtin ?? "", m[1]) : null;
  if (!m || !lot) return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const format = m[2] as "png" | "svg";
  const body = await render(traceUrl(publicOrigin(request), lot.gtin, lot.lotCode), format);
  return new Response(body, {
    headers: {
      "Content-Type": format === "png" ? "image/png" : "image/svg+xml; charset=utf-8",
      "Cache-Control": "public, max-age=86400",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
