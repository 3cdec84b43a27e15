/**
 * Fulfilment after payment, and 到站付款 (pay at pickup). Plain module, no Remix.
 *
 * Since logistics (issue 5) every order placed through checkout travels as parcels
 * (logistics/parcels.ts), and the parcels drive the later steps:
 *   producer 发货 (dispatchSubOrder)   paid → in_fulfilment, each parcel gets a slot at the point
 *   operator scans the label at arrival  → ready_for_pickup once every parcel of the sub-order arrived
 *   operator hands out against the code  → picked_up once every parcel of the order is picked up
 * so a producer may only mark a sub-order in_fulfilment (packing) by hand. ready_for_pickup by hand
 * remains only for a sub-order WITHOUT parcels (orders made before parcels existed, e.g. demo rows).
 * A sub-order with a sold-by-weight line can move on only once weighed.
 *
 * The order-level hand-over without a code (handOverAtStation) is gone: the operator hands each
 * parcel out against the buyer's pickup code (handOutParcel), confirming 到站付款 there.
 */
import type { Db } from "../../db/client";
import type { OrderStatus } from "../../db/schema";
import { canManageProducer, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { transitionOrder } from "./orders";
import { canTransition } from "./state";

export type FulfilmentStep = "in_fulfilment" | "ready_for_pickup";
const ORDER_OF: OrderStatus[] = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"];
const rank = (s: string) => ORDER_OF.indexOf(s as OrderStatus);

/** A producer member moves one sub-order a step (see above); the order follows when all its sub-orders did. */
export function advanceSubOrder(db: Db, actor: Actor, subOrderId: number, to: FulfilmentStep, now = Date.now()): { orderStatus: OrderStatus } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const sub = sqlite.prepare(`select id, order_id as orderId, producer_id as producerId, status from sub_orders where id = ?`).get(subOrderId) as
        { id: number; orderId: number; producerId: number; status: OrderStatus } | undefined;
      if (!sub) throw new NotFoundError("sub-order");
      if (!canManageProducer(actor, sub.producerId)) throw new ForbiddenError();
      if (!canTransition(sub.status, to)) throw new DomainRuleError("orders.error.illegalTransition");
      if (to === "ready_for_pickup") {
        // With parcels, arrival at the point makes the sub-order ready, not the producer.
        const parcels = sqlite.prepare(`select count(*) from parcels where sub_order_id = ?`).pluck().get(sub.id) as number;
        if (parcels > 0) throw new DomainRuleError("parcels.error.readyByArrival");
        const unweighed = sqlite
          .prepare(`select count(*) from order_lines where sub_order_id = ? and sold_by_weight = 1 and weighed_total_fen is null`)
          .pluck()
          .get(sub.id) as number;
        if (unweighed > 0) throw new DomainRuleError("fulfilment.error.notAllWeighed");
      }
      if (sqlite.prepare(`update sub_orders set status = ? where id = ? and status = ?`).run(to, sub.id, sub.status).changes !== 1) {
        throw new DomainRuleError("orders.error.illegalTransition");
      }
      const order = sqlite.prepare(`select status from orders where id = ?`).get(sub.orderId) as { status: OrderStatus };
      const behind = (sqlite.prepare(`select status from sub_orders where order_id = ?`).pluck().all(sub.orderId) as string[]).some((s) => rank(s) < rank(to));
      let orderStatus = order.status;
      if (!behind && canTransition(order.status, to)) {
        transitionOrder(db, sub.orderId, to, "producer", { actorUserId: actor.id, now, note: `sub-order #${sub.id}` });
        orderStatus = to;
      }
      return { orderStatus };
    })
    .immediate();
}

/** Can this point take 到站付款 orders (a staffed village station)? */
export function offersPayAtPickup(db: Db, deliveryPointId: number): boolean {
  return (
    db.$client
      .prepare(
        `select 1 from delivery_points p where id = ? and kind = 'village_station'
         and exists (select 1 from delivery_point_operators o where o.delivery_point_id = p.id)`,
      )
      .get(deliveryPointId) !== undefined
  );
}
