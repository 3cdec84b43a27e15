/**
 * Disputes on a sub-order (issue 4 §8). Plain module, no Remix.
 *
 *   buyer opens (within 7 days after pickup: quality / quantity / not received, text, photos)
 *     → open → producer answers → answered → a platform admin decides:
 *        full refund (refunded_full), partial refund (refunded_partial), or rejection (rejected).
 * Every step is a dispute_messages row, shown to the buyer, the producer and the admin alike.
 * Refunds go through refundSubOrder (Stripe) with reason `dispute`.
 */
import type { Db } from "../../db/client";
import { DISPUTE_KINDS, type DISPUTE_STATUSES } from "../../db/schema";
import { canManageProducer, hasRole, type Actor } from "../../core/permissions";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { once } from "../../core/once";
import { notifyProducerMembers } from "../notices/notices";
import type { Stripe } from "../payments/stripe";
import { transitionOrder } from "./orders";
import { refundableFen, refundSubOrder } from "./refunds";
import { recomputeProducerCredit } from "../credit/credit";
import type { OrderStatus } from "./state";

export type DisputeKind = (typeof DISPUTE_KINDS)[number];
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export { DISPUTE_KINDS };

export const DISPUTE_WINDOW_MS = 7 * 24 * 3600_000;
export const MAX_DISPUTE_PHOTOS = 4;
const UNDECIDED: readonly DisputeStatus[] = ["open", "answered"];

type SubOrderFacts = {
  id: number;
  orderId: number;
  producerId: number;
  producerName: string;
  buyerId: number;
  status: OrderStatus;
  subtotalFen: number;
  pickedUpAt: number | null;
};

/** The sub-order with its buyer and when it was picked up (the order's history, else its lines). */
export function getSubOrderFacts(db: Db, subOrderId: number): SubOrderFacts | null {
  return (
    (db.$client
      .prepare(
        `select s.id, s.order_id as orderId, s.producer_id as producerId, p.name_zh as producerName, o.buyer_id as buyerId, s.status,
                s.subtotal_fen as subtotalFen,
                coalesce(
                  (select max(h.at) from order_status_history h where h.order_id = o.id and h.to_status = 'picked_up'),
                  (select max(ol.picked_up_at) from order_lines ol where ol.sub_order_id = s.id)
                ) as pickedUpAt
         from sub_orders s join orders o on o.id = s.order_id join producers p on p.id = s.producer_id where s.id = ?`,
      )
      .get(subOrderId) as SubOrderFacts | undefined) ?? null
  );
}

/** Picked up (or later) — sub-orders that were refunded in full have nothing left to dispute or rate. */
export function isPickedUp(sub: { status: OrderStatus; pickedUpAt: number | null }): boolean {
  return (sub.status === "picked_up" || sub.status === "completed") && sub.pickedUpAt != null;
}

export function canOpenDispute(sub: SubOrderFacts, now = Date.now()): boolean {
  return isPickedUp(sub) && now - sub.pickedUpAt! <= DISPUTE_WINDOW_MS;
}

export type DisputeInput = { kind: DisputeKind; body: string; photos?: string[] };

/** The buyer opens a dispute: one per sub-order. Returns the dispute id. */
export function openDispute(db: Db, buyer: Actor, subOrderId: number, input: DisputeInput, now = Date.now(), formToken?: string): number {
  const sqlite = db.$client;
  return once(db, { actorId: buyer.id, token: formToken, kind: "dispute" }, () =>
    sqlite
      .transaction(() => {
        const sub = getSubOrderFacts(db, subOrderId);
        if (!sub) throw new NotFoundError("sub_order");
        if (sub.buyerId !== buyer.id) throw new ForbiddenError();
        if (!DISPUTE_KINDS.includes(input.kind)) throw new DomainRuleError("disputes.error.kind");
        const body = input.body.trim();
        if (!body) throw new DomainRuleError("disputes.error.body");
        if (!isPickedUp(sub)) throw new DomainRuleError("disputes.error.notPickedUp");
        if (now - sub.pickedUpAt! > DISPUTE_WINDOW_MS) throw new DomainRuleError("disputes.error.tooLate");
        const existing = sqlite.prepare(`select id from disputes where sub_order_id = ?`).pluck().get(subOrderId);
        if (existing != null) throw new DomainRuleError("disputes.error.exists");
        const id = Number(
          sqlite
            .prepare(`insert into disputes (sub_order_id, buyer_id, kind, status, opened_at) values (?, ?, ?, 'open', ?)`)
            .run(subOrderId, buyer.id, input.kind, now).lastInsertRowid,
        );
        addMessage(db, id, buyer.id, "buyer", body, input.photos ?? [], now);
        notifyProducerMembers(
          sqlite,
          sub.producerId,
          "dispute_opened",
          "farmNotice.dispute",
          { orderId: sub.orderId, subOrderId },
          `/farm/disputes/${id}`,
          now,
        );
        return id;
      })
      .immediate(),
  );
}

function addMessage(db: Db, disputeId: number, authorUserId: number, role: "buyer" | "producer" | "platform", body: string, photos: string[], now: number) {
  if (photos.length > MAX_DISPUTE_PHOTOS) throw new DomainRuleError("disputes.error.photos");
  db.$client
    .prepare(`insert into dispute_messages (dispute_id, author_user_id, role, body, photos, created_at) values (?, ?, ?, ?, ?, ?)`)
    .run(disputeId, authorUserId, role, body, JSON.stringify(photos), now);
}

type DisputeRow = {
  id: number;
  subOrderId: number;
  buyerId: number;
  kind: DisputeKind;
  status: DisputeStatus;
  openedAt: number;
  decidedAt: number | null;
  decidedBy: number | null;
};

function getDisputeRow(db: Db, disputeId: number): DisputeRow | null {
  return (
    (db.$client
      .prepare(
        `select id, sub_order_id as subOrderId, buyer_id as buyerId, kind, status, opened_at as openedAt, decided_at as decidedAt, decided_by as decidedBy
         from disputes where id = ?`,
      )
      .get(disputeId) as DisputeRow | undefined) ?? null
  );
}

export type ViewerRole = "buyer" | "producer" | "platform";

/** Who the actor is in this dispute, or null (may not see it). */
export function disputeRoleOf(actor: Actor, dispute: { buyerId: number }, producerId: number): ViewerRole | null {
  if (hasRole(actor, "platform_admin")) return "platform";
  if (canManageProducer(actor, producerId)) return "producer";
  if (dispute.buyerId === actor.id) return "buyer";
  return null;
}

/** The producer (a member who manages it) answers; the first answer moves open → answered. */
export function answerDispute(db: Db, actor: Actor, disputeId: number, body: string, photos: string[] = [], now = Date.now(), formToken?: string): void {
  const sqlite = db.$client;
  once(db, { actorId: actor.id, token: formToken, kind: "dispute_message" }, () =>
    sqlite
      .transaction(() => {
        const d = getDisputeRow(db, disputeId);
        if (!d) throw new NotFoundError("dispute");
        const sub = getSubOrderFacts(db, d.subOrderId)!;
        if (!canManageProducer(actor, sub.producerId)) throw new ForbiddenError();
        if (!UNDECIDED.includes(d.status)) throw new DomainRuleError("disputes.error.decided");
        const text = body.trim();
        if (!text) throw new DomainRuleError("disputes.error.body");
        addMessage(db, disputeId, actor.id, "producer", text, photos, now);
        sqlite.prepare(`update disputes set status = 'answered' where id = ? and status = 'open'`).run(disputeId);
      })
      .immediate(),
  );
}

/** The buyer adds to their claim while it is undecided. */
export function addBuyerMessage(db: Db, actor: Actor, disputeId: number, body: string, photos: string[] = [], now = Date.now(), formToken?: string): void {
  once(db, { actorId: actor.id, token: formToken, kind: "dispute_message" }, () =>
    db.$client
      .transaction(() => {
        const d = getDisputeRow(db, disputeId);
        if (!d) throw new NotFoundError("dispute");
        if (d.buyerId !== actor.id) throw new ForbiddenError();
        if (!UNDECIDED.includes(d.status)) throw new DomainRuleError("disputes.error.decided");
        const text = body.trim();
        if (!text) throw new DomainRuleError("disputes.error.body");
        addMessage(db, disputeId, actor.id, "buyer", text, photos, now);
      })
      .immediate(),
  );
}

export type Decision = { outcome: "full" } | { outcome: "partial"; amountFen: number } | { outcome: "reject" };

/**
 * A platform admin decides. The dispute is claimed first (guarded UPDATE from open/answered), so two
 * admins cannot both refund; if the Stripe refund fails, the claim is undone and the error thrown.
 */
export async function decideDispute(db: Db, stripe: Stripe, admin: Actor, disputeId: number, decision: Decision, note: string, now = Date.now()) {
  if (!hasRole(admin, "platform_admin")) throw new ForbiddenError();
  const sqlite = db.$client;
  const status: DisputeStatus = decision.outcome === "full" ? "refunded_full" : decision.outcome === "partial" ? "refunded_partial" : "rejected";
  const claimed = sqlite
    .transaction(() => {
      const d = getDisputeRow(db, disputeId);
      if (!d) throw new NotFoundError("dispute");
      if (!UNDECIDED.includes(d.status)) throw new DomainRuleError("disputes.error.decided");
      if (decision.outcome === "partial") {
        const left = refundableFen(db, d.subOrderId);
        if (!Number.isSafeInteger(decision.amountFen) || decision.amountFen <= 0) throw new DomainRuleError("refunds.error.amount");
        if (decision.amountFen > left) throw new DomainRuleError("refunds.error.tooMuch");
      }
      sqlite
        .prepare(`update disputes set status = ?, decided_at = ?, decided_by = ? where id = ? and status = ?`)
        .run(status, now, admin.id, disputeId, d.status);
      // The decision moves the producer's credit (a lost dispute weighs more than one won).
      const producerId = sqlite.prepare(`select producer_id from sub_orders where id = ?`).pluck().get(d.subOrderId) as number;
      recomputeProducerCredit(db, producerId, now);
      return d;
    })
    .immediate();

  let refundedFenAmount = 0;
  if (decision.outcome !== "reject") {
    const amount = decision.outcome === "full" ? refundableFen(db, claimed.subOrderId) : decision.amountFen;
    try {
      if (amount <= 0) throw new DomainRuleError("refunds.error.nothingLeft");
      await refundSubOrder(db, stripe, admin, claimed.subOrderId, amount, "dispute", note, { disputeId, now });
      refundedFenAmount = amount;
    } catch (error) {
      sqlite.prepare(`update disputes set status = ?, decided_at = null, decided_by = null where id = ? and status = ?`).run(claimed.status, disputeId, status);
      throw error;
    }
  }
  const body = note.trim() || status;
  addMessage(db, disputeId, admin.id, "platform", body, [], now);
  return { status, refundedFen: refundedFenAmount };
}

export type DisputeMessage = { id: number; role: ViewerRole; authorUserId: number; authorName: string; body: string; photos: string[]; createdAt: number };

export type DisputeView = DisputeRow & {
  orderId: number;
  producerId: number;
  producerName: string;
  subtotalFen: number;
  refundableFen: number;
  messages: DisputeMessage[];
};

export function getDispute(db: Db, disputeId: number): DisputeView | null {
  const d = getDisputeRow(db, disputeId);
  if (!d) return null;
  const sub = getSubOrderFacts(db, d.subOrderId)!;
  const messages = (
    db.$client
      .prepare(
        `select m.id, m.role, m.author_user_id as authorUserId, u.display_name as authorName, m.body, m.photos, m.created_at as createdAt
         from dispute_messages m join users u on u.id = m.author_user_id where m.dispute_id = ? order by m.created_at, m.id`,
      )
      .all(disputeId) as (Omit<DisputeMessage, "photos"> & { photos: string })[]
  ).map((m) => ({ ...m, photos: JSON.parse(m.photos) as string[] }));
  return {
    ...d,
    orderId: sub.orderId,
    producerId: sub.producerId,
    producerName: sub.producerName,
    subtotalFen: sub.subtotalFen,
    refundableFen: refundableFen(db, d.subOrderId),
    messages,
  };
}

/** The dispute as `actor` may see it (buyer, a member of the producer, or a platform admin). */
export function getDisputeForViewer(db: Db, actor: Actor, disputeId: number): { dispute: DisputeView; role: ViewerRole } {
  const dispute = getDispute(db, disputeId);
  if (!dispute) throw new NotFoundError("dispute");
  const role = disputeRoleOf(actor, dispute, dispute.producerId);
  if (!role) throw new ForbiddenError();
  return { dispute, role };
}

export function findDisputeIdBySubOrder(db: Db, subOrderId: number): number | null {
  return (db.$client.prepare(`select id from disputes where sub_order_id = ?`).pluck().get(subOrderId) as number | undefined) ?? null;
}

export type DisputeListItem = {
  id: number;
  subOrderId: number;
  orderId: number;
  producerName: string;
  kind: DisputeKind;
  status: DisputeStatus;
  openedAt: number;
};

const LIST_SQL = `select d.id, d.sub_order_id as subOrderId, s.order_id as orderId, p.name_zh as producerName, d.kind, d.status, d.opened_at as openedAt
  from disputes d join sub_orders s on s.id = d.sub_order_id join producers p on p.id = s.producer_id`;

/** The admin queue: undecided first (oldest first), then the latest decided. */
export function listDisputesForAdmin(db: Db, limit = 100): DisputeListItem[] {
  return db.$client
    .prepare(
      `${LIST_SQL} order by case when d.status in ('open','answered') then 0 else 1 end, case when d.status in ('open','answered') then d.opened_at else -d.opened_at end limit ?`,
    )
    .all(limit) as DisputeListItem[];
}

/** Disputes on the sub-orders of the producers the actor manages. */
export function listDisputesForProducers(db: Db, producerIds: readonly number[], limit = 100): DisputeListItem[] {
  if (producerIds.length === 0) return [];
  return db.$client
    .prepare(`${LIST_SQL} where s.producer_id in (${producerIds.map(() => "?").join(",")}) order by d.opened_at desc limit ?`)
    .all(...producerIds, limit) as DisputeListItem[];
}

/**
 * Orders picked up more than DISPUTE_WINDOW_MS ago with no undecided dispute become `completed`
 * (run by `npm run payments:reconcile`). A dispute opened in time keeps its order open until decided.
 */
export function completeOrdersPastDisputeWindow(db: Db, now = Date.now()): number[] {
  const due = db.$client
    .prepare(
      `select o.id from orders o
       where o.status = 'picked_up'
         and (select max(h.at) from order_status_history h where h.order_id = o.id and h.to_status = 'picked_up') < ?
         and not exists (
           select 1 from disputes d join sub_orders s on s.id = d.sub_order_id
           where s.order_id = o.id and d.status in (${UNDECIDED.map((s) => `'${s}'`).join(", ")}))`,
    )
    .pluck()
    .all(now - DISPUTE_WINDOW_MS) as number[];
  for (const orderId of due) transitionOrder(db, orderId, "completed", "system", { now, note: "dispute window passed" });
  return due;
}
