/**
 * Parcels from the producer to the buyer's hands: dispatch (a slot at the point, best fit, or a
 * consented change of point when it is full), arrival (the operator scans the label; a pickup code
 * is issued and the buyer is told), hand-out (the buyer's 6-digit code, rate limited; 到站付款
 * collected), and what the buyer, the operator and the producer see. Plain module, no Remix; every
 * write is one IMMEDIATE transaction; SMS go out after commit. Holding periods, returns and
 * cancellations are in ./holding.ts.
 *
 * Order status follows the parcels (app/orders/orders.server.ts transitionOrder):
 *   dispatch of a paid sub-order            → sub-order in_fulfilment (the order follows when all did)
 *   every parcel of a sub-order arrived     → sub-order ready_for_pickup (the order follows when all did)
 *   every parcel of the order picked up     → order picked_up
 * A 到站付款 order stays pending_payment until the operator confirms the payment at the first
 * hand-out; it then walks paid → in_fulfilment → ready_for_pickup (→ picked_up) in that transaction.
 *
 * Lots: arrival and pickup are appended to the traceability chain of every lot in the parcel
 * (platform-signed, traceability/store.ts). A chain that cannot take the event (broken) never blocks
 * the parcel: the append runs in its own savepoint and is logged.
 */
import { shanghaiDate, shanghaiDateTime } from "../core/clock";
import type Database from "better-sqlite3";
import type { Db } from "../db/client";
import type { OrderStatus, ParcelStatus, SlotSize } from "../db/schema";
import { canManageProducer, hasRole, type Actor } from "../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../core/errors";
import { issueOrderInvoices } from "../market/invoices/invoices";
import { transitionOrder } from "../market/orders/orders";
import { canTransition, paidOrPayAtPickupSql } from "../market/orders/state";
import { logger } from "../core/logger";
import { recordEvent, recordPlatformEvent } from "../traceability/store";
import { recomputeProducerCredit } from "../market/credit/credit";
import { bestFitSlot, type ParcelNeed } from "./capacity";
import { addParcelEvent, DAY_MS, isOperatorOf, notify, notifyProducer, holdUntilOf } from "./holding";
import { findFeasiblePoints } from "./network";
import { normaliseParcelCode } from "./order-parcels";
import { newPickupNonce, normalisePickupCode, pickupCode, pickupQrPayload, verifyPickupCode } from "./pickup-code";
import { arrivalSms, maskPhone, sendSmsSafely } from "./sms";
import { sizeRank } from "./sizes";
import { IN_SLOT_SQL, parcelsHeldAt, recallHeldSql } from "./occupancy";
import { parcelHoldsRecall, quarantineInTransaction } from "./recall-parcels";

type Sqlite = Database.Database;

export const MAX_PARCEL_FAILURES = 5;
export const PARCEL_LOCK_MS = 15 * 60_000;
export const MAX_POINT_FAILURES = 20;
export const POINT_WINDOW_MS = 15 * 60_000;

/** A refusal that carries parameters for its message (attempts left, minutes to wait). */
export class PickupRefusedError extends DomainRuleError {
  constructor(
    messageKey: string,
    public params: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

const ORDER_STEPS: OrderStatus[] = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up"];

/** Moves the order forward step by step (each step a history row) up to `to`, when it is behind. */
function walkOrderTo(
  db: Db,
  orderId: number,
  to: OrderStatus,
  actorUserId: number | null,
  now: number,
  note: string,
  source: "operator" | "producer" = "operator",
) {
  const current = () => db.$client.prepare(`select status from orders where id = ?`).pluck().get(orderId) as OrderStatus;
  let at = current();
  while (ORDER_STEPS.indexOf(at) >= 0 && ORDER_STEPS.indexOf(at) < ORDER_STEPS.indexOf(to)) {
    const next = ORDER_STEPS[ORDER_STEPS.indexOf(at) + 1];
    if (!canTransition(at, next)) break;
    transitionOrder(db, orderId, next, source, { actorUserId: actorUserId ?? undefined, now, note });
    at = next;
  }
  return at;
}

/**
 * Moves one sub-order to `to`, and the order too when none of its sub-orders is behind. The
 * producer's own step (in_fulfilment) and the parcels' (ready_for_pickup) share it.
 */
export function moveSubOrder(
  db: Db,
  subOrderId: number,
  to: "in_fulfilment" | "ready_for_pickup",
  source: "producer" | "operator",
  actorUserId: number | null,
  now: number,
): OrderStatus {
  const sqlite = db.$client;
  const sub = sqlite.prepare(`select order_id as orderId, status from sub_orders where id = ?`).get(subOrderId) as { orderId: number; status: OrderStatus };
  if (sub.status !== to) {
    if (!canTransition(sub.status, to)) throw new DomainRuleError("orders.error.illegalTransition");
    sqlite.prepare(`update sub_orders set status = ? where id = ? and status = ?`).run(to, subOrderId, sub.status);
  }
  const order = sqlite.prepare(`select status from orders where id = ?`).pluck().get(sub.orderId) as OrderStatus;
  const statuses = sqlite.prepare(`select status from sub_orders where order_id = ?`).pluck().all(sub.orderId) as OrderStatus[];
  const rank = (s: OrderStatus) => ORDER_STEPS.indexOf(s);
  if (statuses.every((s) => rank(s) >= rank(to)) && canTransition(order, to)) {
    transitionOrder(db, sub.orderId, to, source, { actorUserId: actorUserId ?? undefined, now, note: `sub-order #${subOrderId}` });
    return to;
  }
  return order;
}

/** Appends a platform event to every lot in the parcel; a chain that refuses it is logged, never fatal. */
function appendToLots(
  db: Db,
  parcelId: number,
  event:
    | { type: "arrival"; payload: { receivedBy: string; orderId: string; place?: { lat: number; lng: number; name?: string } } }
    | { type: "pickup"; payload: { orderId: string; pickupPoint: string } },
  now: number,
) {
  const batchIds = db.$client
    .prepare(`select distinct ol.batch_id from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = ? order by ol.batch_id`)
    .pluck()
    .all(parcelId) as number[];
  for (const batchId of batchIds) {
    try {
      recordPlatformEvent(db, batchId, { ...event, occurredAt: now } as Parameters<typeof recordPlatformEvent>[2]);
    } catch (err) {
      logger.warn({ err, parcelId, batchId, type: event.type }, "parcel: lot chain event not appended");
    }
  }
}

// ─── dispatch ────────────────────────────────────────────────────────────────

export type DispatchResult = {
  dispatched: { parcelId: number; code: string; slotCode: string }[];
  /** Still awaiting dispatch: no fitting slot at the point (a change of point was proposed, or one is pending). */
  waiting: number[];
  proposal: { changeId: number; toPointId: number; toPointName: string } | null;
  subOrderStatus: OrderStatus;
};

export type FreeSlot = { id: number; code: string; size: SlotSize; chilled: boolean };

/** The point's slots in service that no parcel occupies, in id order (seeds use it too). */
export function freeSlots(sqlite: Sqlite, pointId: number): FreeSlot[] {
  return (
    sqlite
      .prepare(
        `select s.id, s.code, s.size, s.chilled from storage_slots s
         where s.delivery_point_id = ? and s.out_of_service = 0
           and not exists (select 1 from parcels x where x.slot_id = s.id and x.status in ${IN_SLOT_SQL})
         order by s.id`,
      )
      .all(pointId) as { id: number; code: string; size: SlotSize; chilled: number }[]
  ).map((s) => ({ ...s, chilled: s.chilled === 1 }));
}

type AwaitingParcel = { id: number; code: string; size: SlotSize; chilled: number; pointId: number };

/**
 * Gives each parcel the best-fitting free slot at its point (chilled, then larger parcels first),
 * within the point's parcel capacity. Returns the parcels that found no place.
 */
function allocateSlots(sqlite: Sqlite, parcels: AwaitingParcel[], pointId: number, actorUserId: number | null, now: number) {
  const point = sqlite.prepare(`select active, parcel_capacity as capacity from delivery_points where id = ?`).get(pointId) as {
    active: number;
    capacity: number | null;
  };
  let held = parcelsHeldAt(sqlite, pointId);
  const free = point.active ? freeSlots(sqlite, pointId) : [];
  const placed: DispatchResult["dispatched"] = [];
  const unplaced: AwaitingParcel[] = [];
  const ordered = [...parcels].sort((a, b) => b.chilled - a.chilled || sizeRank(b.size) - sizeRank(a.size) || a.id - b.id);
  for (const p of ordered) {
    const slot = point.capacity !== null && held >= point.capacity ? null : bestFitSlot(free, { size: p.size, chilled: p.chilled === 1 });
    if (!slot) {
      unplaced.push(p);
      continue;
    }
    free.splice(free.indexOf(slot), 1);
    held++;
    sqlite
      .prepare(`update parcels set status = 'dispatched', slot_id = ?, dispatched_at = ? where id = ? and status = 'awaiting_dispatch'`)
      .run(slot.id, now, p.id);
    addParcelEvent(sqlite, p.id, "dispatched", actorUserId, now, slot.code);
    placed.push({ parcelId: p.id, code: p.code, slotCode: slot.code });
  }
  return { placed, unplaced };
}

function dispatchableStatus(sub: { status: OrderStatus; orderStatus: OrderStatus; payAtPickup: number }): boolean {
  if (sub.status === "paid" || sub.status === "in_fulfilment") return true;
  // 到站付款: the goods travel before the money; the operator collects it at hand-out.
  return sub.payAtPickup === 1 && sub.status === "pending_payment" && sub.orderStatus === "pending_payment";
}

/**
 * The producer hands a sub-order's parcels to the courier: each gets a slot at the buyer's point
 * (best fit). A parcel the point cannot take stays awaiting_dispatch and the buyer is asked to
 * consent to the nearest point that can (delivery_point_changes, reason point_full).
 */
export function dispatchSubOrder(db: Db, actor: Actor, subOrderId: number, now = Date.now()): DispatchResult {
  const sqlite = db.$client;
  return sqlite
    .transaction((): DispatchResult => {
      const sub = sqlite
        .prepare(
          `select s.id, s.order_id as orderId, s.producer_id as producerId, s.status, o.status as orderStatus, o.pay_at_pickup as payAtPickup,
                  o.buyer_id as buyerId, o.delivery_point_id as pointId
           from sub_orders s join orders o on o.id = s.order_id where s.id = ?`,
        )
        .get(subOrderId) as
        | {
            id: number;
            orderId: number;
            producerId: number;
            status: OrderStatus;
            orderStatus: OrderStatus;
            payAtPickup: number;
            buyerId: number;
            pointId: number | null;
          }
        | undefined;
      if (!sub) throw new NotFoundError("sub-order");
      if (!canManageProducer(actor, sub.producerId)) throw new ForbiddenError();
      if (!dispatchableStatus(sub)) throw new DomainRuleError("parcels.error.notDispatchable");
      const unweighed = sqlite
        .prepare(`select count(*) from order_lines where sub_order_id = ? and sold_by_weight = 1 and weighed_total_fen is null`)
        .pluck()
        .get(sub.id) as number;
      if (unweighed > 0) throw new DomainRuleError("fulfilment.error.notAllWeighed");

      // A parcel holding a recalled lot never leaves the producer.
      const awaiting = sqlite
        .prepare(
          `select id, code, size, chilled, delivery_point_id as pointId from parcels
           where sub_order_id = ? and status = 'awaiting_dispatch' and not ${recallHeldSql("parcels")} order by id`,
        )
        .all(sub.id) as AwaitingParcel[];
      if (awaiting.length === 0) {
        const held = sqlite.prepare(`select count(*) from parcels where sub_order_id = ? and status = 'awaiting_dispatch'`).pluck().get(sub.id) as number;
        throw new DomainRuleError(held > 0 ? "parcels.error.recallNotDispatchable" : "parcels.error.nothingToDispatch");
      }

      const dispatched: DispatchResult["dispatched"] = [];
      const waiting: AwaitingParcel[] = [];
      // Normally one point (the order's); grouped in case an earlier consented change moved only some.
      const byPoint = new Map<number, AwaitingParcel[]>();
      for (const p of awaiting) byPoint.set(p.pointId, [...(byPoint.get(p.pointId) ?? []), p]);
      for (const [pointId, group] of byPoint) {
        const r = allocateSlots(sqlite, group, pointId, actor.id, now);
        dispatched.push(...r.placed);
        waiting.push(...r.unplaced);
      }

      let proposal: DispatchResult["proposal"] = null;
      if (waiting.length > 0) proposal = proposePointChange(db, sub.orderId, sub.buyerId, waiting, now);

      if (dispatched.length > 0)
        recordShipping(
          db,
          actor,
          sub.orderId,
          dispatched.map((d) => d.parcelId),
          now,
        );

      let subOrderStatus = sub.status;
      if (dispatched.length > 0 && sub.status === "paid") {
        moveSubOrder(db, sub.id, "in_fulfilment", "producer", actor.id, now);
        subOrderStatus = "in_fulfilment";
      }
      // On-time dispatch is part of the producer's credit score.
      if (dispatched.length > 0) recomputeProducerCredit(db, sub.producerId, now);
      return { dispatched, waiting: waiting.map((p) => p.id).sort((a, b) => a - b), proposal, subOrderStatus };
    })
    .immediate();
}

/**
 * 发货 is the shipping event of every lot in the dispatched parcels, signed by the producer who
 * dispatched (one event per lot and dispatch, naming the order and the point). This is the lot's one
 * shipping record for platform orders; the batch page's own shipping form stays for lots sold
 * outside the platform. A chain that refuses it never blocks the parcels (logged).
 */
function recordShipping(db: Db, actor: Actor, orderId: number, parcelIds: number[], now: number) {
  const rows = db.$client
    .prepare(
      `select distinct ol.batch_id as batchId, dp.name as pointName from parcel_items pi join order_lines ol on ol.id = pi.order_line_id
       join parcels x on x.id = pi.parcel_id join delivery_points dp on dp.id = x.delivery_point_id
       where pi.parcel_id in (${parcelIds.map(() => "?").join(",")}) order by ol.batch_id`,
    )
    .all(...parcelIds) as { batchId: number; pointName: string }[];
  for (const r of rows) {
    try {
      recordEvent(db, actor, r.batchId, {
        type: "shipping",
        occurredAt: now,
        payload: { carrier: "村品配送", orderId: String(orderId), destination: r.pointName.slice(0, 200) },
      });
    } catch (err) {
      logger.warn({ err, orderId, batchId: r.batchId }, "dispatch: shipping event not appended");
    }
  }
}

/**
 * Proposes the nearest point that can take the waiting parcels, unless a proposal is already
 * pending or the buyer declined one for this order (they chose to wait for their point).
 */
function proposePointChange(db: Db, orderId: number, buyerId: number, waiting: AwaitingParcel[], now: number): DispatchResult["proposal"] {
  const sqlite = db.$client;
  const open = sqlite
    .prepare(
      `select c.id as changeId, c.to_point_id as toPointId, p.name as toPointName, c.declined_at as declinedAt from delivery_point_changes c
       join delivery_points p on p.id = c.to_point_id
       where c.order_id = ? and c.consented_at is null order by c.id desc limit 1`,
    )
    .get(orderId) as { changeId: number; toPointId: number; toPointName: string; declinedAt: number | null } | undefined;
  if (open && open.declinedAt === null) return { changeId: open.changeId, toPointId: open.toPointId, toPointName: open.toPointName };
  if (open) return null;
  const fromPointId = waiting[0].pointId;
  const from = sqlite.prepare(`select name, lat, lng from delivery_points where id = ?`).get(fromPointId) as { name: string; lat: number; lng: number };
  const needs: ParcelNeed[] = waiting.map((p) => ({ size: p.size, chilled: p.chilled === 1 }));
  const [best] = findFeasiblePoints(db, { lat: from.lat, lng: from.lng }, needs, { limit: 1, excludePointId: fromPointId });
  if (!best) return null;
  const changeId = Number(
    sqlite
      .prepare(`insert into delivery_point_changes (order_id, from_point_id, to_point_id, reason, proposed_at) values (?, ?, ?, 'point_full', ?)`)
      .run(orderId, fromPointId, best.point.id, now).lastInsertRowid,
  );
  notify(
    sqlite,
    buyerId,
    "point_change_proposed",
    "parcels.notice.pointChange",
    { orderId, from: from.name, to: best.point.name, km: best.km.toFixed(1) },
    `/orders/${orderId}`,
    now,
  );
  return { changeId, toPointId: best.point.id, toPointName: best.point.name };
}

/**
 * The buyer answers a proposed change of point. Accept: the order and its parcels not yet
 * dispatched go to the new point (consent recorded; parcels already dispatched stay where their
 * slot is) and their producers are told to dispatch again; decline: they wait for the buyer's point.
 */
export function respondToPointChange(db: Db, buyer: Actor, changeId: number, accept: boolean, now = Date.now()): void {
  const sqlite = db.$client;
  sqlite
    .transaction(() => {
      const c = sqlite
        .prepare(
          `select c.id, c.order_id as orderId, c.from_point_id as fromPointId, c.to_point_id as toPointId, c.consented_at as consentedAt,
                  c.declined_at as declinedAt, o.buyer_id as buyerId, o.status as orderStatus, p.name as toPointName, p.active as toActive
           from delivery_point_changes c join orders o on o.id = c.order_id join delivery_points p on p.id = c.to_point_id where c.id = ?`,
        )
        .get(changeId) as
        | {
            id: number;
            orderId: number;
            fromPointId: number;
            toPointId: number;
            consentedAt: number | null;
            declinedAt: number | null;
            buyerId: number;
            orderStatus: OrderStatus;
            toPointName: string;
            toActive: number;
          }
        | undefined;
      // Someone else's proposal does not exist for this buyer.
      if (!c || c.buyerId !== buyer.id) throw new NotFoundError("point change");
      if (c.consentedAt !== null || c.declinedAt !== null) throw new DomainRuleError("parcels.error.changeAnswered");
      if (["cancelled", "refunded", "picked_up", "completed"].includes(c.orderStatus)) throw new DomainRuleError("parcels.error.changeAnswered");
      if (!accept) {
        sqlite.prepare(`update delivery_point_changes set declined_at = ? where id = ?`).run(now, c.id);
        return;
      }
      if (!c.toActive) throw new DomainRuleError("parcels.error.changeUnavailable");
      sqlite.prepare(`update delivery_point_changes set consented_by = ?, consented_at = ? where id = ?`).run(buyer.id, now, c.id);
      sqlite.prepare(`update orders set delivery_point_id = ?, delivery_point_chosen_at = ? where id = ?`).run(c.toPointId, now, c.orderId);
      const moving = sqlite
        .prepare(
          `select id, code, size, chilled, delivery_point_id as pointId from parcels where order_id = ? and status = 'awaiting_dispatch' and delivery_point_id = ? order by id`,
        )
        .all(c.orderId, c.fromPointId) as AwaitingParcel[];
      for (const p of moving) {
        sqlite.prepare(`update parcels set delivery_point_id = ? where id = ?`).run(c.toPointId, p.id);
        addParcelEvent(sqlite, p.id, "point_changed", buyer.id, now, c.toPointName);
      }
      // Nothing is dispatched on the buyer's behalf: each producer sends its parcels (发货) again, now to the new point.
      const producers = new Set(moving.map((p) => sqlite.prepare(`select producer_id from parcels where id = ?`).pluck().get(p.id) as number));
      for (const producerId of producers) {
        notifyProducer(sqlite, producerId, "point_change_accepted", "parcels.notice.changeAccepted", { orderId: c.orderId, to: c.toPointName }, now);
      }
    })
    .immediate();
}

// ─── arrival ─────────────────────────────────────────────────────────────────

export type ArrivedResult = {
  parcelId: number;
  code: string;
  orderId: number;
  slotCode: string | null;
  /** End of the holding period; null for a quarantined parcel. */
  holdUntil: number | null;
  buyerName: string;
  /** It holds a recalled lot: put on the quarantine shelf, no pickup code, nobody told to collect it. */
  quarantined: boolean;
};

export type ParcelAtPoint = {
  id: number;
  code: string;
  status: ParcelStatus;
  orderId: number;
  subOrderId: number;
  producerId: number;
  pointId: number;
  fresh: number;
  nonce: string | null;
  failed: number;
  lockedUntil: number | null;
  slotCode: string | null;
  pointName: string;
  lat: number;
  lng: number;
  openingHours: string;
  holdingDaysFresh: number;
  holdingDaysOther: number;
  buyerId: number;
  buyerName: string;
  phone: string;
  orderStatus: OrderStatus;
  payAtPickup: number;
  totalFen: number;
};

export const PARCEL_SELECT = `select x.id, x.code, x.status, x.order_id as orderId, x.sub_order_id as subOrderId, x.producer_id as producerId,
       x.delivery_point_id as pointId, x.fresh, x.pickup_code_nonce as nonce, x.failed_pickup_attempts as failed,
       x.pickup_locked_until as lockedUntil, s.code as slotCode, dp.name as pointName, dp.lat, dp.lng,
       dp.opening_hours as openingHours, dp.holding_days_fresh as holdingDaysFresh, dp.holding_days_other as holdingDaysOther,
       o.buyer_id as buyerId, u.display_name as buyerName, o.contact_phone as phone, o.status as orderStatus,
       o.pay_at_pickup as payAtPickup, o.total_fen as totalFen
  from parcels x join delivery_points dp on dp.id = x.delivery_point_id join orders o on o.id = x.order_id
  join users u on u.id = o.buyer_id left join storage_slots s on s.id = x.slot_id`;

/**
 * The operator scans (or types) a parcel's label at its point: dispatched → arrived, holding period
 * starts, a new pickup code is issued and the buyer told (in-app and SMS). Another point's parcel
 * is "not found" for this operator (its existence is not revealed). A parcel holding a recalled lot
 * is quarantined instead (recall-parcels.ts): no slot, no code, no notice; scanning one that
 * arrived before the recall moves it to quarantine too.
 */
export function markParcelArrived(db: Db, actor: Actor, parcelCode: string, now = Date.now()): ArrivedResult {
  const sqlite = db.$client;
  if (!hasRole(actor, "delivery_operator")) throw new ForbiddenError();
  const code = normaliseParcelCode(parcelCode);
  if (!code) throw new DomainRuleError("parcels.error.badParcelCode");
  let sms: { phone: string; text: string } | null = null;
  const result = sqlite
    .transaction((): ArrivedResult => {
      const p = sqlite.prepare(`${PARCEL_SELECT} where x.code = ?`).get(code) as ParcelAtPoint | undefined;
      if (!p || !isOperatorOf(sqlite, actor, p.pointId)) throw new NotFoundError("parcel");
      if (parcelHoldsRecall(sqlite, p.id)) {
        if (p.status === "quarantined") throw new DomainRuleError("parcels.error.alreadyQuarantined");
        if (!quarantineInTransaction(sqlite, actor, p, now)) throw new DomainRuleError("parcels.error.notDispatched");
        return { parcelId: p.id, code: p.code, orderId: p.orderId, slotCode: null, holdUntil: null, buyerName: p.buyerName, quarantined: true };
      }
      if (p.status === "arrived") throw new DomainRuleError("parcels.error.alreadyArrived");
      if (p.status !== "dispatched") throw new DomainRuleError("parcels.error.notDispatched");
      const holdUntil = holdUntilOf(now, p, p.fresh);
      const nonce = newPickupNonce();
      sqlite
        .prepare(
          `update parcels set status = 'arrived', arrived_at = ?, hold_until = ?, pickup_code_nonce = ?, failed_pickup_attempts = 0,
             pickup_locked_until = null, reminder_sent_at = null where id = ? and status = 'dispatched'`,
        )
        .run(now, holdUntil, nonce, p.id);
      addParcelEvent(sqlite, p.id, "arrived", actor.id, now, p.slotCode);
      notify(
        sqlite,
        p.buyerId,
        "parcel_arrived",
        "parcels.notice.arrived",
        // The parcel's id, never its code: the code is derived when the buyer reads the notice (logistics/counter.ts).
        { parcel: p.code, parcelId: p.id, point: p.pointName, hours: p.openingHours, deadline: shanghaiDateTime(holdUntil), orderId: p.orderId },
        `/orders/${p.orderId}`,
        now,
      );
      appendToLots(
        db,
        p.id,
        {
          type: "arrival",
          payload: { receivedBy: p.pointName.slice(0, 100), orderId: String(p.orderId), place: { lat: p.lat, lng: p.lng, name: p.pointName.slice(0, 100) } },
        },
        now,
      );

      // Every parcel of the sub-order here (or further) → the sub-order is ready for pickup.
      const notYet = sqlite
        .prepare(`select count(*) from parcels where sub_order_id = ? and status in ('awaiting_dispatch', 'dispatched')`)
        .pluck()
        .get(p.subOrderId) as number;
      const subStatus = sqlite.prepare(`select status from sub_orders where id = ?`).pluck().get(p.subOrderId) as OrderStatus;
      if (notYet === 0 && canTransition(subStatus, "ready_for_pickup")) moveSubOrder(db, p.subOrderId, "ready_for_pickup", "operator", actor.id, now);

      sms = {
        phone: p.phone,
        text: arrivalSms({ pointName: p.pointName, openingHours: p.openingHours, code: pickupCode(p.id, nonce), holdUntil, parcelCode: p.code }),
      };
      return { parcelId: p.id, code: p.code, orderId: p.orderId, slotCode: p.slotCode, holdUntil, buyerName: p.buyerName, quarantined: false };
    })
    .immediate();
  if (sms) sendSmsSafely((sms as { phone: string }).phone, (sms as { text: string }).text);
  return result;
}

// ─── hand-out ────────────────────────────────────────────────────────────────

/** The parcel id behind a label code, for an operator of its point only (else not found). */
export function parcelIdForOperator(db: Db, actor: Actor, parcelCode: string): number {
  const code = normaliseParcelCode(parcelCode);
  if (!code) throw new DomainRuleError("parcels.error.badParcelCode");
  const p = db.$client.prepare(`select id, delivery_point_id as pointId from parcels where code = ?`).get(code) as { id: number; pointId: number } | undefined;
  if (!p || !isOperatorOf(db.$client, actor, p.pointId)) throw new NotFoundError("parcel");
  return p.id;
}

export type HandOutResult = { parcelId: number; code: string; orderId: number; paidAtPickup: boolean; orderPickedUp: boolean };

/** Failed code checks at the point within the window (the per-point limit). */
export function pointFailures(sqlite: Sqlite, pointId: number, now: number): number {
  return sqlite
    .prepare(`select count(*) from pickup_attempts where delivery_point_id = ? and success = 0 and at > ?`)
    .pluck()
    .get(pointId, now - POINT_WINDOW_MS) as number;
}

/**
 * The operator hands a parcel over against the buyer's 6-digit code. Refused, before the code is
 * even compared: a recall hold on any of its lines; the point's code entry locked (20 wrong codes
 * in 15 minutes); the parcel locked (5 wrong codes → 15 minutes). A wrong code is recorded and
 * counted (committed, then refused). 到站付款: the operator must confirm the payment, which marks the
 * order paid (invoices issued after commit).
 */
export function handOutParcel(
  db: Db,
  actor: Actor,
  input: { parcelId: number; pickupCode: string; confirmPayment?: boolean },
  now = Date.now(),
): HandOutResult {
  const sqlite = db.$client;
  let refusal: PickupRefusedError | null = null;
  const result = sqlite
    .transaction((): HandOutResult | null => {
      const p = sqlite.prepare(`${PARCEL_SELECT} where x.id = ?`).get(input.parcelId) as ParcelAtPoint | undefined;
      if (!p) throw new NotFoundError("parcel");
      if (!isOperatorOf(sqlite, actor, p.pointId)) throw new ForbiddenError();
      if ((p.status !== "arrived" && p.status !== "return_flagged") || !p.nonce) throw new DomainRuleError("parcels.error.notAtPoint");
      assertNotHeldOrCancelled(sqlite, p.id);
      if (pointFailures(sqlite, p.pointId, now) >= MAX_POINT_FAILURES)
        throw new PickupRefusedError("parcels.error.pointLocked", { minutes: POINT_WINDOW_MS / 60_000 });
      if (p.lockedUntil !== null && p.lockedUntil > now) {
        throw new PickupRefusedError("parcels.error.parcelLocked", { minutes: Math.ceil((p.lockedUntil - now) / 60_000) });
      }
      const mustPay = assertPayable(sqlite, p, input.confirmPayment === true);

      const ok = verifyPickupCode(p.id, p.nonce, input.pickupCode);
      sqlite
        .prepare(`insert into pickup_attempts (delivery_point_id, parcel_id, operator_user_id, success, at) values (?, ?, ?, ?, ?)`)
        .run(p.pointId, p.id, actor.id, ok ? 1 : 0, now);
      if (!ok) {
        const failed = p.failed + 1;
        if (failed >= MAX_PARCEL_FAILURES) {
          // Locked: the count starts again after the lock, so each 15 minutes allows five more tries.
          sqlite.prepare(`update parcels set failed_pickup_attempts = 0, pickup_locked_until = ? where id = ?`).run(now + PARCEL_LOCK_MS, p.id);
          refusal = new PickupRefusedError("parcels.error.parcelLockedNow", { minutes: PARCEL_LOCK_MS / 60_000 });
        } else {
          sqlite.prepare(`update parcels set failed_pickup_attempts = ? where id = ?`).run(failed, p.id);
          refusal = new PickupRefusedError("parcels.error.wrongCode", { left: MAX_PARCEL_FAILURES - failed });
        }
        addParcelEvent(sqlite, p.id, "pickup_refused", actor.id, now, normalisePickupCode(input.pickupCode) === null ? "malformed" : "wrong code");
        return null;
      }

      return releaseParcel(db, actor.id, p, mustPay, now);
    })
    .immediate();
  if (!result) throw refusal ?? new DomainRuleError("parcels.error.wrongCode");
  // Paid at the point: its invoices are issued now, as a webhook would for a card payment.
  if (result.paidAtPickup) issueOrderInvoices(db, result.orderId, now);
  return result;
}

/** Refuses a parcel that must not leave the point: a recall hold on any line, or its order cancelled or refunded. */
export function assertNotHeldOrCancelled(sqlite: Sqlite, parcelId: number): void {
  const p = { id: parcelId };
  const held = sqlite
    .prepare(`select count(*) from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = ? and ol.hold_reason is not null`)
    .pluck()
    .get(p.id) as number;
  if (held > 0) throw new DomainRuleError("parcels.error.recallHold");
  const cancelled = sqlite
    .prepare(
      `select 1 from parcels x join orders o on o.id = x.order_id join sub_orders s on s.id = x.sub_order_id
       where x.id = ? and (o.status in ('cancelled', 'refunded') or s.status in ('cancelled', 'refunded'))`,
    )
    .get(p.id);
  if (cancelled) throw new DomainRuleError("parcels.error.orderCancelled");
}

/** 到站付款 still due: the weights must be in and the operator must confirm the money. Returns whether it is due. */
export function assertPayable(sqlite: Sqlite, p: { orderId: number; payAtPickup: number; orderStatus: OrderStatus }, confirmPayment: boolean): boolean {
  const mustPay = p.payAtPickup === 1 && p.orderStatus === "pending_payment";
  if (mustPay) {
    const unweighed = sqlite
      .prepare(`select count(*) from order_lines where order_id = ? and sold_by_weight = 1 and weighed_total_fen is null`)
      .pluck()
      .get(p.orderId) as number;
    if (unweighed > 0) throw new DomainRuleError("fulfilment.error.notAllWeighed");
    if (!confirmPayment) throw new DomainRuleError("parcels.error.confirmPayment");
  }
  return mustPay;
}

/**
 * The parcel leaves the point in the buyer's hands (the code was checked by the caller, in the
 * caller's transaction): 到站付款 collected, picked_up, the pickup on each lot's chain, the order
 * picked up when it was its last parcel. actorUserId: the operator, or null for a locker.
 */
export function releaseParcel(db: Db, actorUserId: number | null, p: ParcelAtPoint, mustPay: boolean, now: number): HandOutResult {
  const sqlite = db.$client;
  let paidAtPickup = false;
  if (mustPay) {
    transitionOrder(db, p.orderId, "paid", "operator", { actorUserId: actorUserId ?? undefined, now, note: "到站付款 paid at pickup" });
    sqlite.prepare(`update orders set pay_at_pickup_confirmed_by = ? where id = ?`).run(actorUserId, p.orderId);
    // Paid: the order catches up with its parcels — ready for pickup when none is still on its way
    // (a later arrival moves the rest, as for a prepaid order).
    const onTheWay = sqlite
      .prepare(`select count(*) from parcels where order_id = ? and status in ('awaiting_dispatch', 'dispatched')`)
      .pluck()
      .get(p.orderId) as number;
    walkOrderTo(db, p.orderId, "in_fulfilment", actorUserId, now, "handed over at pickup");
    if (onTheWay === 0) {
      for (const subId of sqlite.prepare(`select id from sub_orders where order_id = ? and status = 'in_fulfilment'`).pluck().all(p.orderId) as number[]) {
        moveSubOrder(db, subId, "ready_for_pickup", "operator", actorUserId, now);
      }
    }
    paidAtPickup = true;
  }
  sqlite
    .prepare(`update parcels set status = 'picked_up', picked_up_at = ?, picked_up_by = ?, failed_pickup_attempts = 0, pickup_locked_until = null where id = ?`)
    .run(now, actorUserId, p.id);
  addParcelEvent(sqlite, p.id, "picked_up", actorUserId, now);
  sqlite
    .prepare(`update order_lines set picked_up_at = ? where picked_up_at is null and id in (select order_line_id from parcel_items where parcel_id = ?)`)
    .run(now, p.id);
  appendToLots(db, p.id, { type: "pickup", payload: { orderId: String(p.orderId), pickupPoint: p.pointName.slice(0, 200) } }, now);

  const left = sqlite.prepare(`select count(*) from parcels where order_id = ? and status not in ('picked_up', 'cancelled')`).pluck().get(p.orderId) as number;
  let orderPickedUp = false;
  if (left === 0) {
    orderPickedUp = walkOrderTo(db, p.orderId, "picked_up", actorUserId, now, "every parcel picked up") === "picked_up";
  }
  return { parcelId: p.id, code: p.code, orderId: p.orderId, paidAtPickup, orderPickedUp };
}

// ─── what people see ─────────────────────────────────────────────────────────

export type BuyerParcel = {
  id: number;
  code: string;
  status: ParcelStatus;
  pointName: string;
  pointAddress: string;
  openingHours: string;
  slotCode: string | null;
  size: SlotSize;
  chilled: boolean;
  holdUntil: number | null;
  /** Only while the parcel waits at the point, and only for the buyer's own order. */
  pickupCode: string | null;
  qrPayload: string | null;
  recallHold: boolean;
  producerName: string;
  items: { title: string; quantity: number }[];
};

export type PointChangeProposal = { id: number; fromPointName: string; toPointName: string; toPointAddress: string; reason: string; proposedAt: number };

function assertBuyer(sqlite: Sqlite, buyer: Actor, orderId: number) {
  const owner = sqlite.prepare(`select buyer_id from orders where id = ?`).pluck().get(orderId) as number | undefined;
  if (owner === undefined || owner !== buyer.id) throw new NotFoundError("order");
}

export function buyerParcels(db: Db, buyer: Actor, orderId: number): BuyerParcel[] {
  const sqlite = db.$client;
  assertBuyer(sqlite, buyer, orderId);
  const rows = sqlite
    .prepare(
      `select x.id, x.code, x.status, dp.name as pointName, dp.address as pointAddress, dp.opening_hours as openingHours,
              case when x.status in ('quarantined', 'destroyed', 'returned', 'cancelled') then null else s.code end as slotCode,
              x.size, x.chilled, x.hold_until as holdUntil, x.pickup_code_nonce as nonce, pr.name_zh as producerName,
              exists (select 1 from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = x.id and ol.hold_reason is not null) as recallHold
       from parcels x join delivery_points dp on dp.id = x.delivery_point_id join producers pr on pr.id = x.producer_id
       left join storage_slots s on s.id = x.slot_id
       where x.order_id = ? order by x.id`,
    )
    .all(orderId) as (Omit<BuyerParcel, "chilled" | "recallHold" | "pickupCode" | "qrPayload" | "items"> & {
    chilled: number;
    recallHold: number;
    nonce: string | null;
  })[];
  const items = sqlite.prepare(
    `select l.title, pi.quantity from parcel_items pi join order_lines ol on ol.id = pi.order_line_id join listings l on l.id = ol.listing_id where pi.parcel_id = ? order by ol.id`,
  );
  return rows.map(({ nonce, ...r }) => {
    // A recalled parcel is never handed out: no code, no QR, whatever its status.
    const waiting = (r.status === "arrived" || r.status === "return_flagged") && nonce !== null && r.recallHold !== 1;
    const code = waiting ? pickupCode(r.id, nonce!) : null;
    return {
      ...r,
      chilled: r.chilled === 1,
      recallHold: r.recallHold === 1,
      pickupCode: code,
      qrPayload: code ? pickupQrPayload(r.code, code) : null,
      items: items.all(r.id) as { title: string; quantity: number }[],
    };
  });
}

/** Proposals the buyer has not answered yet. */
export function pendingPointChanges(db: Db, buyer: Actor, orderId: number): PointChangeProposal[] {
  const sqlite = db.$client;
  assertBuyer(sqlite, buyer, orderId);
  return sqlite
    .prepare(
      `select c.id, f.name as fromPointName, t.name as toPointName, t.address as toPointAddress, c.reason, c.proposed_at as proposedAt
       from delivery_point_changes c join delivery_points f on f.id = c.from_point_id join delivery_points t on t.id = c.to_point_id
       where c.order_id = ? and c.consented_at is null and c.declined_at is null order by c.id`,
    )
    .all(orderId) as PointChangeProposal[];
}

export type OperatorParcel = {
  id: number;
  code: string;
  orderId: number;
  status: ParcelStatus;
  slotCode: string | null;
  size: SlotSize;
  chilled: boolean;
  buyerName: string;
  maskedPhone: string;
  /** 到站付款 still to collect (the order's total; collected once, at the order's first parcel). */
  payDueFen: number | null;
  recallHold: boolean;
  unweighed: boolean;
  dispatchedAt: number | null;
  arrivedAt: number | null;
  holdUntil: number | null;
  locked: boolean;
};

export type OperatorView = {
  points: { id: number; name: string }[];
  point: { id: number; name: string; address: string; openingHours: string } | null;
  date: string;
  expected: OperatorParcel[];
  arrived: OperatorParcel[];
  overdue: OperatorParcel[];
  flagged: OperatorParcel[];
  /** Recalled: on the quarantine shelf, to return to the producer or destroy. */
  quarantined: OperatorParcel[];
};

/**
 * The operator's day at one of their points: parcels on their way (dispatched up to the end of
 * `date`), waiting for pickup, past their holding period, and flagged for return. Another point's id
 * is forbidden.
 */
export function operatorParcels(db: Db, actor: Actor, opts: { pointId?: number; date?: string } = {}, now = Date.now()): OperatorView {
  const sqlite = db.$client;
  if (!hasRole(actor, "delivery_operator")) throw new ForbiddenError();
  const points = sqlite
    .prepare(`select p.id, p.name from delivery_points p join delivery_point_operators o on o.delivery_point_id = p.id where o.user_id = ? order by p.id`)
    .all(actor.id) as { id: number; name: string }[];
  const date = opts.date && /^\d{4}-\d{2}-\d{2}$/.test(opts.date) ? opts.date : shanghaiDate(now);
  const empty = { points, point: null, date, expected: [], arrived: [], overdue: [], flagged: [], quarantined: [] };
  if (opts.pointId !== undefined && !points.some((p) => p.id === opts.pointId)) throw new ForbiddenError();
  const pointId = opts.pointId ?? points[0]?.id;
  if (pointId === undefined) return empty;
  const point = sqlite
    .prepare(`select id, name, address, opening_hours as openingHours from delivery_points where id = ?`)
    .get(pointId) as OperatorView["point"];
  const endOfDate = Date.parse(`${date}T00:00:00+08:00`) + DAY_MS;
  const rows = sqlite
    .prepare(
      `select x.id, x.code, x.order_id as orderId, x.status, case when x.status = 'quarantined' then null else s.code end as slotCode, x.size, x.chilled,
              u.display_name as buyerName, o.contact_phone as phone,
              case when o.pay_at_pickup = 1 and o.status = 'pending_payment' then o.total_fen else null end as payDueFen,
              exists (select 1 from parcel_items pi join order_lines ol on ol.id = pi.order_line_id where pi.parcel_id = x.id and ol.hold_reason is not null) as recallHold,
              exists (select 1 from order_lines ol where ol.order_id = x.order_id and ol.sold_by_weight = 1 and ol.weighed_total_fen is null) as unweighed,
              x.dispatched_at as dispatchedAt, x.arrived_at as arrivedAt, x.hold_until as holdUntil,
              (x.pickup_locked_until is not null and x.pickup_locked_until > ?) as locked
       from parcels x join orders o on o.id = x.order_id join users u on u.id = o.buyer_id left join storage_slots s on s.id = x.slot_id
       where x.delivery_point_id = ? and (x.status in ${IN_SLOT_SQL} or x.status = 'quarantined')
       order by coalesce(x.hold_until, x.dispatched_at), x.id`,
    )
    .all(now, pointId) as (Omit<OperatorParcel, "chilled" | "recallHold" | "unweighed" | "locked" | "maskedPhone"> & {
    chilled: number;
    recallHold: number;
    unweighed: number;
    locked: number;
    phone: string;
  })[];
  const view: OperatorView = { ...empty, point };
  for (const { phone, ...r } of rows) {
    const parcel: OperatorParcel = {
      ...r,
      chilled: r.chilled === 1,
      recallHold: r.recallHold === 1,
      unweighed: r.unweighed === 1,
      locked: r.locked === 1,
      maskedPhone: maskPhone(phone),
    };
    if (r.status === "quarantined") view.quarantined.push(parcel);
    else if (r.status === "dispatched") {
      if ((r.dispatchedAt ?? 0) < endOfDate) view.expected.push(parcel);
    } else if (r.status === "return_flagged") view.flagged.push(parcel);
    else if (r.holdUntil !== null && r.holdUntil <= now) view.overdue.push(parcel);
    else view.arrived.push(parcel);
  }
  return view;
}

export type ProducerParcel = {
  id: number;
  code: string;
  subOrderId: number;
  status: ParcelStatus;
  slotCode: string | null;
  pointName: string;
  size: SlotSize;
  chilled: boolean;
};

/** The producer's parcels per sub-order (labels to write, slots they go to). */
export function producerParcels(db: Db, producerIds: readonly number[], subOrderIds: readonly number[]): Record<number, ProducerParcel[]> {
  const out: Record<number, ProducerParcel[]> = {};
  if (!producerIds.length || !subOrderIds.length) return out;
  const rows = db.$client
    .prepare(
      `select x.id, x.code, x.sub_order_id as subOrderId, x.status, s.code as slotCode, dp.name as pointName, x.size, x.chilled
       from parcels x join delivery_points dp on dp.id = x.delivery_point_id left join storage_slots s on s.id = x.slot_id
       where x.producer_id in (${producerIds.map(() => "?").join(",")}) and x.sub_order_id in (${subOrderIds.map(() => "?").join(",")})
       order by x.id`,
    )
    .all(...producerIds, ...subOrderIds) as (Omit<ProducerParcel, "chilled"> & { chilled: number })[];
  for (const r of rows) (out[r.subOrderId] ??= []).push({ ...r, chilled: r.chilled === 1 });
  return out;
}

/** The producers' sub-orders that have parcels awaiting dispatch and may be dispatched now (发货 shown). */
export function dispatchableSubOrders(db: Db, producerIds: readonly number[]): number[] {
  if (!producerIds.length) return [];
  return db.$client
    .prepare(
      `select s.id from sub_orders s join orders o on o.id = s.order_id
       where s.producer_id in (${producerIds.map(() => "?").join(",")})
         and ${paidOrPayAtPickupSql({ status: "s.status" })}
         and exists (select 1 from parcels x where x.sub_order_id = s.id and x.status = 'awaiting_dispatch' and not ${recallHeldSql("x")})
       order by s.id`,
    )
    .pluck()
    .all(...producerIds) as number[];
}

/** Pending point-change proposals per order the producer waits on (shown next to 发货). */
export function pendingChangesForOrders(db: Db, orderIds: readonly number[]): Record<number, string> {
  const out: Record<number, string> = {};
  if (!orderIds.length) return out;
  const rows = db.$client
    .prepare(
      `select c.order_id as orderId, t.name as toPointName from delivery_point_changes c join delivery_points t on t.id = c.to_point_id
       where c.order_id in (${orderIds.map(() => "?").join(",")}) and c.consented_at is null and c.declined_at is null`,
    )
    .all(...orderIds) as { orderId: number; toPointName: string }[];
  for (const r of rows) out[r.orderId] = r.toPointName;
  return out;
}
