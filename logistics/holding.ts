/**
 * Holding periods at the point, returns and cancellations: how a parcel leaves the point other than
 * by pickup. Plain module, no Remix. Also the small helpers parcels.ts shares (operator check,
 * notices, SMS after commit), kept here so that app/orders/orders.server.ts can call
 * cancelOrderParcels without an import cycle (parcels.ts imports orders.server.ts).
 *
 *   arrived, less than 24 h left      → one reminder (in-app + SMS), reminder_sent_at
 *   arrived, hold_until passed        → return_flagged (buyer and producer told)
 *   return_flagged → returned         by the point's operator (the parcel leaves; its slot is free)
 *
 * A slot is free as soon as its parcel's status leaves dispatched / arrived / return_flagged: the
 * partial unique index parcels_slot_occupied_unique covers only those, so slot_id stays for history.
 */
import { DAY_MS, HOUR_MS } from "../core/clock";
import { shanghaiDateTime } from "../core/clock";
import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import { hasRole, type Actor } from "../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../core/errors";
import { pickupCode } from "./pickup-code";
import { reminderSms, sendSmsSafely } from "./sms";
import { recallHeldSql } from "./occupancy";

export { DAY_MS, HOUR_MS };
export const REMINDER_BEFORE_MS = DAY_MS;

type Sqlite = Database.Database;

export function isOperatorOf(sqlite: Sqlite, actor: Actor, pointId: number): boolean {
  if (!hasRole(actor, "delivery_operator")) return false;
  return sqlite.prepare(`select 1 from delivery_point_operators where delivery_point_id = ? and user_id = ?`).get(pointId, actor.id) !== undefined;
}

export function addParcelEvent(sqlite: Sqlite, parcelId: number, kind: string, actorUserId: number | null, at: number, note: string | null = null) {
  sqlite.prepare(`insert into parcel_events (parcel_id, kind, actor_user_id, note, at) values (?, ?, ?, ?, ?)`).run(parcelId, kind, actorUserId, note, at);
}

/** An in-app notice: an i18n key (app/i18n/messages/logistics-parcels.ts) and its parameters, never a pickup code (derived when read: counter.ts withPickupCodes). */
export function notify(
  sqlite: Sqlite,
  userId: number,
  kind: string,
  messageKey: string,
  params: Record<string, string | number>,
  link: string | null,
  now: number,
) {
  sqlite
    .prepare(`insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, ?, ?, ?, ?, ?)`)
    .run(userId, kind, messageKey, JSON.stringify(params), link, now);
}

export function notifyProducer(sqlite: Sqlite, producerId: number, kind: string, messageKey: string, params: Record<string, string | number>, now: number) {
  const members = sqlite.prepare(`select user_id from producer_members where producer_id = ?`).pluck().all(producerId) as number[];
  for (const userId of members) notify(sqlite, userId, kind, messageKey, params, "/farm/orders", now);
}

export type SweepResult = { reminded: number; flagged: number };

type HeldRow = {
  id: number;
  code: string;
  orderId: number;
  producerId: number;
  nonce: string | null;
  holdUntil: number;
  buyerId: number;
  phone: string;
  pointName: string;
  openingHours: string;
};

const HELD_SELECT = `select p.id, p.code, p.order_id as orderId, p.producer_id as producerId, p.pickup_code_nonce as nonce, p.hold_until as holdUntil,
         o.buyer_id as buyerId, o.contact_phone as phone, dp.name as pointName, dp.opening_hours as openingHours
  from parcels p join orders o on o.id = p.order_id join delivery_points dp on dp.id = p.delivery_point_id`;

/**
 * Reminders a day before the holding period ends, and return flags once it has ended. Idempotent
 * (reminder_sent_at, the status): run it as often as you like — reconcile and a 10-minute timer do.
 */
export function sweepHolding(db: Db, now = Date.now()): SweepResult {
  const sqlite = db.$client;
  const sms: { phone: string; text: string }[] = [];
  const result = sqlite
    .transaction((): SweepResult => {
      const remind = sqlite
        .prepare(
          `${HELD_SELECT} where p.status = 'arrived' and p.reminder_sent_at is null and p.hold_until > ? and p.hold_until <= ? and not ${recallHeldSql("p")} order by p.id`,
        )
        .all(now, now + REMINDER_BEFORE_MS) as HeldRow[];
      for (const p of remind) {
        if (sqlite.prepare(`update parcels set reminder_sent_at = ? where id = ? and reminder_sent_at is null`).run(now, p.id).changes !== 1) continue;
        addParcelEvent(sqlite, p.id, "reminded", null, now);
        notify(
          sqlite,
          p.buyerId,
          "parcel_reminder",
          "parcels.notice.reminder",
          { parcel: p.code, parcelId: p.id, point: p.pointName, hours: p.openingHours, deadline: shanghaiDateTime(p.holdUntil) },
          `/orders/${p.orderId}`,
          now,
        );
        if (p.nonce)
          sms.push({
            phone: p.phone,
            text: reminderSms({
              pointName: p.pointName,
              openingHours: p.openingHours,
              code: pickupCode(p.id, p.nonce),
              holdUntil: p.holdUntil,
              parcelCode: p.code,
            }),
          });
      }
      // A recalled parcel is never reminded of nor flagged: the operator quarantines it.
      const overdue = sqlite
        .prepare(`${HELD_SELECT} where p.status = 'arrived' and p.hold_until <= ? and not ${recallHeldSql("p")} order by p.id`)
        .all(now) as HeldRow[];
      for (const p of overdue) {
        if (
          sqlite.prepare(`update parcels set status = 'return_flagged', return_flagged_at = ? where id = ? and status = 'arrived'`).run(now, p.id).changes !== 1
        )
          continue;
        addParcelEvent(sqlite, p.id, "return_flagged", null, now);
        const params = { parcel: p.code, point: p.pointName, orderId: p.orderId };
        notify(sqlite, p.buyerId, "parcel_return_flagged", "parcels.notice.returnFlagged", params, `/orders/${p.orderId}`, now);
        notifyProducer(sqlite, p.producerId, "parcel_return_flagged", "parcels.notice.returnFlaggedProducer", params, now);
      }
      return { reminded: remind.length, flagged: overdue.length };
    })
    .immediate();
  for (const m of sms) sendSmsSafely(m.phone, m.text);
  return result;
}

/** The point's operator sends a flagged parcel back: it leaves the point and its slot is free. */
export function markReturned(db: Db, actor: Actor, parcelId: number, now = Date.now()): { code: string } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const p = sqlite
        .prepare(`select id, code, status, order_id as orderId, producer_id as producerId, delivery_point_id as pointId from parcels where id = ?`)
        .get(parcelId) as { id: number; code: string; status: string; orderId: number; producerId: number; pointId: number } | undefined;
      if (!p) throw new NotFoundError("parcel");
      if (!isOperatorOf(sqlite, actor, p.pointId)) throw new ForbiddenError();
      if (p.status !== "return_flagged") throw new DomainRuleError("parcels.error.notFlagged");
      sqlite.prepare(`update parcels set status = 'returned', returned_at = ? where id = ? and status = 'return_flagged'`).run(now, p.id);
      addParcelEvent(sqlite, p.id, "returned", actor.id, now);
      notifyProducer(sqlite, p.producerId, "parcel_returned", "parcels.notice.returned", { parcel: p.code, orderId: p.orderId }, now);
      return { code: p.code };
    })
    .immediate();
}

/**
 * The order (or one sub-order) was cancelled or refunded before pickup. A parcel still at the
 * producer is cancelled. One already dispatched or at the point physically exists: it is flagged
 * for return, keeps its slot until the operator sends it back (markReturned), and can no longer be
 * handed out. Runs in the caller's transaction (transitionOrder, refunds). A parcel holding a
 * recalled lot that left the producer is left to the recall: the point quarantines it on arrival.
 */
export function cancelOrderParcels(
  sqlite: Sqlite,
  where: { orderId: number } | { subOrderId: number },
  now: number,
  actorUserId: number | null = null,
): number {
  const [column, id] = "orderId" in where ? ["order_id", where.orderId] : ["sub_order_id", where.subOrderId];
  const ids = sqlite
    .prepare(
      `select id from parcels where ${column} = ? and (status = 'awaiting_dispatch' or (status in ('dispatched', 'arrived') and not ${recallHeldSql("parcels")}))`,
    )
    .pluck()
    .all(id) as number[];
  const cancel = sqlite.prepare(`update parcels set status = 'cancelled' where id = ? and status = 'awaiting_dispatch'`);
  const sendBack = sqlite.prepare(`update parcels set status = 'return_flagged', return_flagged_at = ? where id = ? and status in ('dispatched', 'arrived')`);
  for (const parcelId of ids) {
    if (cancel.run(parcelId).changes === 1) addParcelEvent(sqlite, parcelId, "cancelled", actorUserId, now);
    else if (sendBack.run(now, parcelId).changes === 1) addParcelEvent(sqlite, parcelId, "return_flagged", actorUserId, now, "order cancelled or refunded");
  }
  return ids.length;
}

/** The end of a parcel's holding period: the point keeps fresh produce and other parcels for its own number of days. */
export function holdUntilOf(arrivedAt: number, point: { holdingDaysFresh: number; holdingDaysOther: number }, fresh: boolean | number): number {
  return arrivedAt + (fresh ? point.holdingDaysFresh : point.holdingDaysOther) * DAY_MS;
}
