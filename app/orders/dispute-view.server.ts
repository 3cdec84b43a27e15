/** Remix-free glue: a DisputeView turned into what the thread component shows. */
import type { DisputeView } from "./disputes.server";
import { photoUrl } from "../photos/photos.server";

/** Date and time in China time (UTC+8), the same on server and client. */
function chinaDateTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace("T", " ");
}

export function threadOf(d: DisputeView) {
  return {
    id: d.id,
    subOrderId: d.subOrderId,
    orderId: d.orderId,
    producerName: d.producerName,
    kind: d.kind,
    status: d.status,
    subtotalFen: d.subtotalFen,
    refundableFen: d.refundableFen,
    messages: d.messages.map((m) => ({ id: m.id, role: m.role, authorName: m.authorName, body: m.body, photoUrls: m.photos.map(photoUrl), atText: chinaDateTime(m.createdAt) })),
  };
}
