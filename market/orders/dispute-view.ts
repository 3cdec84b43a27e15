/** Remix-free glue: a DisputeView turned into what the thread component shows. */
import { shanghaiDateTime } from "../../core/clock";
import type { DisputeView } from "./disputes";
import { photoUrl } from "../photos/photos";

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
    messages: d.messages.map((m) => ({
      id: m.id,
      role: m.role,
      authorName: m.authorName,
      body: m.body,
      photoUrls: m.photos.map(photoUrl),
      atText: shanghaiDateTime(m.createdAt),
    })),
  };
}
