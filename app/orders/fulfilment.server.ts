/**
 * Fulfilment after payment, and 到站付款 (pay at pickup). Plain module, no Remix.
 *
 * Producers move THEIR sub-order: paid → in_fulfilment → ready_for_pickup. The order follows when
 * every sub-order has reached the step (a two-producer order is ready only when both are), through
 * transitionOrder (guarded UPDATE + history row). A sub-order with a sold-by-weight line can be
 * ready only once weighed.
 *
 * The delivery point's operator (delivery_points.operator_user_id) hands orders over at /station:
 * a prepaid order ready_for_pickup → picked_up; a 到站付款 order (pending_payment, pay_at_pickup)
 * is confirmed paid (cash / the station's QR) and, the goods being there, walked through to
 * picked_up in one transaction, every step in the history with the operator as actor.
 */
import type { Db } from "../../db/client";
import type { OrderStatus } from "../../db/schema";
import { canManageProducer, hasRole, type Actor } from "../auth/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../listings/listings.server";
import { issueOrderInvoices } from "../invoices/invoices.server";
import { transitionOrder } from "./orders.server";
import { canTransition } from "./state";

export type FulfilmentStep = "in_fulfilment" | "ready_for_pickup";
const ORDER_OF: OrderStatus[] = ["paid", "in_fulfilment", "ready_for_pickup", "picked_up", "completed"];
const rank = (s: string) => ORDER_OF.indexOf(s as OrderStatus);

/** A producer member moves one sub-order a step; the order follows when all its sub-orders did. */
export function advanceSubOrder(db: Db, actor: Actor, subOrderId: number, to: FulfilmentStep, now = Date.now()): { orderStatus: OrderStatus } {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const sub = sqlite
        .prepare(`select id, order_id as orderId, producer_id as producerId, status from sub_orders where id = ?`)
        .get(subOrderId) as { id: number; orderId: number; producerId: number; status: OrderStatus } | undefined;
      if (!sub) throw new NotFoundError("sub-order");
      if (!canManageProducer(actor, sub.producerId)) throw new ForbiddenError();
      if (!canTransition(sub.status, to)) throw new DomainRuleError("orders.error.illegalTransition");
      if (to === "ready_for_pickup") {
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
      const behind = (sqlite.prepare(`select status from sub_orders where order_id = ?`).pluck().all(sub.orderId) as string[]).some(
        (s) => rank(s) < rank(to),
      );
      let orderStatus = order.status;
      if (!behind && canTransition(order.status, to)) {
        transitionOrder(db, sub.orderId, to, "producer", { actorUserId: actor.id, now, note: `sub-order #${sub.id}` });
        orderStatus = to;
      }
      return { orderStatus };
    })
    .immediate();
}

function assertOperator(db: Db, actor: Actor, orderId: number) {
  const row = db.$client
    .prepare(
      `select o.id, o.status, o.pay_at_pickup as payAtPickup,
              exists (select 1 from delivery_point_operators dpo where dpo.delivery_point_id = o.delivery_point_id and dpo.user_id = ?) as isOperator
       from orders o where o.id = ?`,
    )
    .get(actor.id, orderId) as { id: number; status: OrderStatus; payAtPickup: number; isOperator: number } | undefined;
  if (!row) throw new NotFoundError("order");
  if (!hasRole(actor, "delivery_operator") || !row.isOperator) throw new ForbiddenError();
  return row;
}

function walkTo(db: Db, orderId: number, from: OrderStatus, to: OrderStatus, actor: Actor, now: number, note: string) {
  let at = from;
  for (const next of ORDER_OF.slice(rank(from) + 1, rank(to) + 1)) {
    transitionOrder(db, orderId, next, "operator", { actorUserId: actor.id, now, note });
    at = next;
  }
  return at;
}

/** The operator hands the order over. 到站付款: confirms the payment first (pending_payment → paid). */
export function handOverAtStation(db: Db, actor: Actor, orderId: number, now = Date.now()): { paidAtPickup: boolean } {
  const sqlite = db.$client;
  const result = sqlite
    .transaction(() => {
      const order = assertOperator(db, actor, orderId);
      const held = sqlite.prepare(`select count(*) from order_lines where order_id = ? and hold_reason is not null`).pluck().get(orderId) as number;
      if (held > 0) throw new DomainRuleError("fulfilment.error.onHold");
      let paidAtPickup = false;
      if (order.payAtPickup && order.status === "pending_payment") {
        const unweighed = sqlite.prepare(`select count(*) from order_lines where order_id = ? and sold_by_weight = 1 and weighed_total_fen is null`).pluck().get(orderId) as number;
        if (unweighed > 0) throw new DomainRuleError("fulfilment.error.notAllWeighed");
        transitionOrder(db, orderId, "paid", "operator", { actorUserId: actor.id, now, note: "到站付款 paid at pickup" });
        sqlite.prepare(`update orders set pay_at_pickup_confirmed_by = ? where id = ?`).run(actor.id, orderId);
        walkTo(db, orderId, "paid", "picked_up", actor, now, "handed over at pickup");
        paidAtPickup = true;
      } else if (order.status === "ready_for_pickup") {
        transitionOrder(db, orderId, "picked_up", "operator", { actorUserId: actor.id, now });
      } else {
        throw new DomainRuleError("orders.error.illegalTransition");
      }
      sqlite.prepare(`update order_lines set picked_up_at = ? where order_id = ? and picked_up_at is null`).run(now, orderId);
      return { paidAtPickup };
    })
    .immediate();
  // Paid at the station: its invoices are issued now, as a webhook would for a card payment.
  if (result.paidAtPickup) issueOrderInvoices(db, orderId, now);
  return result;
}

export type StationOrder = {
  id: number;
  status: OrderStatus;
  totalFen: number;
  payAtPickup: boolean;
  contactPhone: string;
  pointName: string;
  itemCount: number;
  unweighed: number;
};

/** The operator's points' orders awaiting pickup: prepaid and ready, or 到站付款 still to pay. */
export function listStationOrders(db: Db, operatorUserId: number): StationOrder[] {
  const rows = db.$client
    .prepare(
      `select o.id, o.status, o.total_fen as totalFen, o.pay_at_pickup as payAtPickup, o.contact_phone as contactPhone, p.name as pointName,
              (select coalesce(sum(quantity), 0) from order_lines ol where ol.order_id = o.id) as itemCount,
              (select count(*) from order_lines ol where ol.order_id = o.id and ol.sold_by_weight = 1 and ol.weighed_total_fen is null) as unweighed
       from orders o join delivery_points p on p.id = o.delivery_point_id
       join delivery_point_operators dpo on dpo.delivery_point_id = p.id
       where dpo.user_id = ? and (o.status = 'ready_for_pickup' or (o.status = 'pending_payment' and o.pay_at_pickup = 1))
       order by o.created_at, o.id`,
    )
    .all(operatorUserId) as (Omit<StationOrder, "payAtPickup"> & { payAtPickup: number })[];
  return rows.map((r) => ({ ...r, payAtPickup: r.payAtPickup === 1 }));
}

/** Can this point take 到站付款 orders (a staffed village station)? */
export function offersPayAtPickup(db: Db, deliveryPointId: number): boolean {
  return (
    db.$client
      .prepare(
        `select 1 from delivery_points p where id = ? and kind = 'village_station'
         and exists (select 1 from delivery_point_operators o where o.delivery_point_id = p.id)`,
      )
      .get(deliveryPointId) !==
    undefined
  );
}
