/**
 * Upgrading a database made before logistics existed: its open orders have no parcels, so nothing
 * could be dispatched or handed out (hand-out needs a parcel and its pickup code). This gives every
 * open order without parcels its parcels, once: awaiting_dispatch while the producer still packs;
 * already waiting at the point (ready_for_pickup) → arrived there now, with a pickup code and the
 * point's holding period, but no slot (where it sits is not known). Idempotent; `npm start` runs it
 * after the migrations. Plain module, no Remix.
 */
import { holdUntilOf } from "./holding";
import { paidOrPayAtPickupSql } from "../market/orders/state";
import type { Db } from "../db/client";
import { createParcelsForOrder } from "./order-parcels";
import { newPickupNonce } from "./pickup-code";

export function backfillParcels(db: Db, now = Date.now()): { orders: number; parcels: number } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const orders = sqlite
        .prepare(
          `select o.id, o.status from orders o
           where o.delivery_point_id is not null
             and ${paidOrPayAtPickupSql({ paidStates: ["paid", "in_fulfilment", "ready_for_pickup"] })}
             and not exists (select 1 from parcels x where x.order_id = o.id)
           order by o.id`,
        )
        .all() as { id: number; status: string }[];
      const pointOf = sqlite.prepare(
        `select p.fresh, dp.holding_days_fresh as holdingDaysFresh, dp.holding_days_other as holdingDaysOther
         from parcels p join delivery_points dp on dp.id = p.delivery_point_id where p.id = ?`,
      );
      const arrive = sqlite.prepare(`update parcels set status = 'arrived', arrived_at = ?, pickup_code_nonce = ?, hold_until = ? where id = ?`);
      const event = sqlite.prepare(
        `insert into parcel_events (parcel_id, kind, note, at) values (?, 'arrived', 'backfilled: order was waiting at the point', ?)`,
      );
      let parcels = 0;
      for (const o of orders) {
        const { parcelIds } = createParcelsForOrder(db, o.id, now);
        parcels += parcelIds.length;
        if (o.status !== "ready_for_pickup") continue;
        for (const id of parcelIds) {
          const p = pointOf.get(id) as { fresh: number; holdingDaysFresh: number; holdingDaysOther: number };
          arrive.run(now, newPickupNonce(), holdUntilOf(now, p, p.fresh), id);
          event.run(id, now);
        }
      }
      return { orders: orders.length, parcels };
    })
    .immediate();
}
