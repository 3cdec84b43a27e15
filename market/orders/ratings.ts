/**
 * Ratings (issue 4 §9): after pickup, the buyer rates each sub-order once, 1–5 stars and a text;
 * producer pages show the average and the count. Plain module, no Remix.
 */
import type { Db } from "../../db/client";
import type { Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { storefrontChanged } from "../../core/events";
import { canOpenDispute, findDisputeIdBySubOrder, getSubOrderFacts, isPickedUp } from "./disputes";
import { recomputeProducerCredit } from "../credit/credit";
import { MAX_RATING_PHOTOS } from "../../db/enums";

export { MAX_RATING_PHOTOS };

export const MAX_RATING_TEXT = 500;

/** `photos`: file keys already stored by market/photos (checked by content), at most MAX_RATING_PHOTOS. */
export function rateSubOrder(
  db: Db,
  buyer: Actor,
  subOrderId: number,
  stars: number,
  body = "",
  now = Date.now(),
  formToken?: string,
  photos: readonly string[] = [],
): number {
  const sqlite = db.$client;
  return once(db, { actorId: buyer.id, token: formToken, kind: "rating" }, () =>
    sqlite
      .transaction(() => {
        const sub = getSubOrderFacts(db, subOrderId);
        if (!sub) throw new NotFoundError("sub_order");
        if (sub.buyerId !== buyer.id) throw new ForbiddenError();
        if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new DomainRuleError("ratings.error.stars");
        const text = body.trim();
        if (text.length > MAX_RATING_TEXT) throw new DomainRuleError("ratings.error.body");
        if (!isPickedUp(sub)) throw new DomainRuleError("ratings.error.notPickedUp");
        if (photos.length > MAX_RATING_PHOTOS) throw new DomainRuleError("ratings.error.photos");
        const done = sqlite.prepare(`select id from ratings where sub_order_id = ?`).pluck().get(subOrderId);
        if (done != null) throw new DomainRuleError("ratings.error.exists");
        const id = Number(
          sqlite
            .prepare(`insert into ratings (sub_order_id, producer_id, buyer_id, stars, body, created_at) values (?, ?, ?, ?, ?, ?)`)
            .run(subOrderId, sub.producerId, buyer.id, stars, text, now).lastInsertRowid,
        );
        const addPhoto = sqlite.prepare(`insert into rating_photos (rating_id, file_key, position) values (?, ?, ?)`);
        photos.forEach((key, position) => addPhoto.run(id, key, position));
        recomputeProducerCredit(db, sub.producerId, now);
        // The producer's average shows on its listings and producer page.
        storefrontChanged(db, { kind: "rating", producerId: sub.producerId });
        return id;
      })
      .immediate(),
  );
}

/** Average stars (one decimal; null without ratings) and count. */
export function producerRating(db: Db, producerId: number): { average: number | null; count: number } {
  const row = db.$client.prepare(`select avg(stars) as avg, count(*) as count from ratings where producer_id = ?`).get(producerId) as {
    avg: number | null;
    count: number;
  };
  return { average: row.avg == null ? null : Math.round(row.avg * 10) / 10, count: row.count };
}

export type SubOrderRating = { subOrderId: number; stars: number; body: string; createdAt: number };

/** The ratings already given on an order's sub-orders, by sub-order id. */
export function ratingsForOrder(db: Db, orderId: number): Record<number, SubOrderRating> {
  const rows = db.$client
    .prepare(
      `select r.sub_order_id as subOrderId, r.stars, r.body, r.created_at as createdAt
       from ratings r join sub_orders s on s.id = r.sub_order_id where s.order_id = ?`,
    )
    .all(orderId) as SubOrderRating[];
  return Object.fromEntries(rows.map((r) => [r.subOrderId, r]));
}

export type SubOrderAfterSale = { disputeId: number | null; canOpenDispute: boolean; rating: SubOrderRating | null; canRate: boolean };

/** Per sub-order, what the order page offers after pickup: open/view a dispute, rate or show the rating. */
export function afterSaleForOrder(db: Db, order: { id: number; buyerId: number; subOrders: { id: number }[] }, viewerId: number, now = Date.now()) {
  const rated = ratingsForOrder(db, order.id);
  const isBuyer = order.buyerId === viewerId;
  const out: Record<number, SubOrderAfterSale> = {};
  for (const s of order.subOrders) {
    const facts = getSubOrderFacts(db, s.id)!;
    const disputeId = findDisputeIdBySubOrder(db, s.id);
    const rating = rated[s.id] ?? null;
    out[s.id] = {
      disputeId,
      canOpenDispute: isBuyer && disputeId == null && canOpenDispute(facts, now),
      rating,
      canRate: isBuyer && rating == null && isPickedUp(facts),
    };
  }
  return out;
}
