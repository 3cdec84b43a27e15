/**
 * Checkout: the buyer's cart becomes ONE order with one sub-order per producer, and the stock is
 * reserved, all in one IMMEDIATE SQLite transaction (the write lock is taken at BEGIN, so two
 * checkouts never interleave their reads and writes). Plain module, no Remix.
 *
 * Stock is decremented with a guarded UPDATE (… AND stock >= quantity): when it changes no row the
 * listing is sold out, SoldOutError names it and the whole transaction rolls back — nothing of the
 * order exists and no other line keeps its units. A listing can therefore never go below zero
 * (and the CHECK stock >= 0 in the schema would refuse it anyway).
 */
import { PAYMENT_METHOD_TYPES } from "../payments/methods";
import crypto from "node:crypto";
import type { Db } from "../../db/client";
import { getEnv } from "../../core/env";
import { normalisePhone } from "../../core/phone";
import { DomainRuleError } from "../../core/errors";
import { once } from "../../core/once";
import { notifyProducerMembers } from "../notices/notices";
import { storefrontChanged } from "../../core/events";
import { lineTotalFen, splitOrder } from "./split";
import { estimatePieceFen, PAY_AT_PICKUP_RESERVATION_MINUTES } from "./catch-weight";
import { shipping } from "./shipping";
import { listingForStockNotice, noteStockChange } from "../listings/tools";

export class SoldOutError extends DomainRuleError {
  constructor(
    public readonly listingId: number,
    public readonly title: string,
    public readonly available: number,
    public readonly wanted: number,
  ) {
    super("orders.error.soldOut", { title, available, wanted });
    this.message = `sold out: listing ${listingId} 「${title}」 has ${available}, wanted ${wanted}`;
  }
}

/** The listing went off sale (paused, recalled, back to draft) or has no lot to sell from. */
export class ListingUnavailableError extends DomainRuleError {
  constructor(
    public readonly listingId: number,
    public readonly title: string,
  ) {
    super("orders.error.unavailable", { title });
    this.message = `listing ${listingId} 「${title}」 is not on sale`;
  }
}

/**
 * The chosen point cannot take the order's parcels (full, no chilled slot, no slot big enough,
 * closed). Names the nearest point that can, when there is one, so the buyer can choose it.
 */
export class PointUnavailableError extends DomainRuleError {
  constructor(
    public readonly pointId: number,
    public readonly reason: "full" | "no_chilled" | "too_big" | "inactive",
    public readonly suggestion: { id: number; name: string; km: number } | null,
  ) {
    super(
      suggestion ? "pointChoice.error.unavailableTry" : "pointChoice.error.unavailable",
      suggestion ? { name: suggestion.name, km: suggestion.km.toFixed(1) } : {},
    );
    this.message = `delivery point ${pointId} cannot take the parcels (${reason})${suggestion ? `; nearest feasible: ${suggestion.id} 「${suggestion.name}」 ${suggestion.km.toFixed(1)} km` : ""}`;
  }
}

/**
 * The cart changed after the checkout page showed it (another tab added, removed or re-priced a
 * line): nothing is placed, the page shows the current cart and asks again.
 */
export class StaleCartError extends DomainRuleError {
  constructor() {
    super("checkout.error.cartChanged");
  }
}

/**
 * payAtPickup: 到站付款, only at a staffed village_station (a point with an operator).
 * formToken: the checkout form's one-time token (core/once.ts): a repeat returns the first order.
 * cartFingerprint: cartFingerprint() of the cart the page showed; a different cart now is refused.
 */
export type CheckoutInput = { contactPhone: string; deliveryPointId: number; payAtPickup?: boolean; formToken?: string; cartFingerprint?: string };
export type CheckoutOptions = { now?: number; commissionBp?: number; reservationMinutes?: number };

export type CheckoutResult = {
  orderId: number;
  totalFen: number;
  commissionFen: number;
  reservedUntil: number;
  idempotencyKey: string;
  subOrders: { id: number; producerId: number; subtotalFen: number; commissionFen: number; producerShareFen: number }[];
};

type CartRow = {
  listingId: number;
  /** 0: the listing has no variants (then needsVariant says whether it has gained some since). */
  variantId: number;
  variantName: string | null;
  needsVariant: number;
  quantity: number;
  title: string;
  status: string;
  priceFen: number;
  producerId: number;
  unit: string;
  soldByWeight: number;
  estimatedPieceWeightG: number | null;
};

/**
 * Places the buyer's cart as one order. Throws DomainRuleError("orders.error.emptyCart" |
 * "orders.error.phone" | "orders.error.deliveryPoint"), PointUnavailableError, ListingUnavailableError
 * or SoldOutError;
 * on any throw nothing changed (the cart stays as it was).
 */
export function checkout(db: Db, buyer: { id: number }, input: CheckoutInput, options: CheckoutOptions = {}): CheckoutResult {
  // A repeat of the same form (double tap, retried request) gets the order the first one placed.
  return once(db, { actorId: buyer.id, token: input.formToken, kind: "order" }, () => placeOrder(db, buyer, input, options));
}

/** The buyer's cart as checkout reads it: what the fingerprint covers. */
const CART_SQL = `select c.listing_id as listingId, c.variant_id as variantId, v.name as variantName, c.quantity, l.title, l.status,
                  coalesce(v.price_fen, l.price_fen) as priceFen, l.producer_id as producerId,
                  l.unit, l.sold_by_weight as soldByWeight, l.estimated_piece_weight_g as estimatedPieceWeightG,
                  (v.id is null and exists (select 1 from listing_variants x where x.listing_id = l.id)) as needsVariant
           from cart_items c join listings l on l.id = c.listing_id
           left join listing_variants v on v.id = c.variant_id and v.listing_id = l.id
           where c.user_id = ? order by l.producer_id, l.id, c.variant_id`;

function fingerprintOf(cart: CartRow[]): string {
  const canonical = cart.map((r) => [r.listingId, r.variantId, r.quantity, r.priceFen, r.soldByWeight ? 1 : 0, r.estimatedPieceWeightG ?? 0]);
  return crypto.createHash("sha256").update(JSON.stringify(canonical)).digest("hex").slice(0, 32);
}

/**
 * A short hash of the buyer's cart (lines, quantities, prices): the checkout page sends it with the
 * form, and checkout refuses to place an order for a cart that is no longer the one shown.
 */
export function cartFingerprint(db: Db, buyerId: number): string {
  return fingerprintOf(db.$client.prepare(CART_SQL).all(buyerId) as CartRow[]);
}

function placeOrder(db: Db, buyer: { id: number }, input: CheckoutInput, options: CheckoutOptions): CheckoutResult {
  const env = getEnv();
  const now = options.now ?? Date.now();
  const commissionBp = options.commissionBp ?? env.PLATFORM_COMMISSION_BP;
  const payAtPickup = input.payAtPickup === true;
  const reservedUntil =
    now +
    (options.reservationMinutes ?? (payAtPickup ? Math.max(PAY_AT_PICKUP_RESERVATION_MINUTES, env.RESERVATION_MINUTES) : env.RESERVATION_MINUTES)) * 60_000;
  const phone = normalisePhone(input.contactPhone);
  if (!phone) throw new DomainRuleError("orders.error.phone");
  const sqlite = db.$client;

  return sqlite
    .transaction((): CheckoutResult => {
      const point = sqlite
        .prepare(
          `select id, kind, lat, lng, exists (select 1 from delivery_point_operators o where o.delivery_point_id = p.id) as staffed
           from delivery_points p where id = ? and active = 1`,
        )
        .get(input.deliveryPointId) as { id: number; kind: string; lat: number; lng: number; staffed: number } | undefined;
      if (!point) throw new DomainRuleError("orders.error.deliveryPoint");
      if (payAtPickup && (point.kind !== "village_station" || !point.staffed)) {
        throw new DomainRuleError("fulfilment.error.payAtPickupUnavailable");
      }

      // Re-read under the write lock: the prices and statuses the order is made with.
      const cart = sqlite.prepare(CART_SQL).all(buyer.id) as CartRow[];
      if (cart.length === 0) throw new DomainRuleError("orders.error.emptyCart");
      if (input.cartFingerprint !== undefined && input.cartFingerprint !== fingerprintOf(cart)) throw new StaleCartError();

      // The point must have room for the parcels on top of what it holds and was promised (the
      // lock makes this check and the parcels' creation below one step for concurrent checkouts).
      const refusal = shipping().refusalOfPoint(db, buyer.id, point);
      if (refusal) throw new PointUnavailableError(point.id, refusal.reason, refusal.suggestion);

      const take = sqlite.prepare(`update listings set stock = stock - ?, updated_at = ? where id = ? and status = 'published' and stock >= ?`);
      const stockOf = sqlite.prepare(`select stock from listings where id = ?`).pluck();
      // A variant's own stock is taken with the same guard; the listing's stock (the sum of its
      // variants') follows in the same statement pair, so both stay consistent or neither changes.
      const takeVariant = sqlite.prepare(`update listing_variants set stock = stock - ? where id = ? and listing_id = ? and stock >= ?`);
      const variantStockOf = sqlite.prepare(`select stock from listing_variants where id = ?`).pluck();
      // The lot the units come from: the newest lot the listing sells from that is not recalled.
      const lotOf = sqlite
        .prepare(
          `select b.id from listing_batches lb join batches b on b.id = lb.batch_id
           where lb.listing_id = ? and b.status != 'recalled'
           order by coalesce(b.harvested_at, b.created_at) desc, b.id desc limit 1`,
        )
        .pluck();
      const lines: (CartRow & { batchId: number; estimatedWeightG: number | null })[] = [];
      for (const cartRow of cart) {
        if (cartRow.status !== "published" || cartRow.needsVariant || (cartRow.variantId && cartRow.variantName === null)) {
          throw new ListingUnavailableError(cartRow.listingId, cartRow.title);
        }
        const shownTitle = cartRow.variantName ? `${cartRow.title} ${cartRow.variantName}` : cartRow.title;
        // Catch weight: stock is reserved by pieces; the line is charged the estimate (one piece's
        // estimated weight × the price per kg or 斤), stored as the per-piece unit price.
        const weighed = cartRow.soldByWeight ? estimatePieceFen(cartRow) : null;
        const row = weighed ? { ...cartRow, priceFen: weighed.pieceFen } : cartRow;
        lineTotalFen(row.quantity, row.priceFen); // range check before anything is written
        const before = stockOf.get(row.listingId) as number;
        if (row.variantId && takeVariant.run(row.quantity, row.variantId, row.listingId, row.quantity).changes !== 1) {
          throw new SoldOutError(row.listingId, shownTitle, variantStockOf.get(row.variantId) as number, row.quantity);
        }
        if (take.run(row.quantity, now, row.listingId, row.quantity).changes !== 1) {
          throw new SoldOutError(row.listingId, shownTitle, before, row.quantity);
        }
        noteStockChange(sqlite, listingForStockNotice(sqlite, row.listingId), before, before - row.quantity, now);
        // The last unit sold: the farmer hears of it at once (the listing can no longer be bought).
        if (stockOf.get(row.listingId) === 0) {
          const producerId = sqlite.prepare(`select producer_id from listings where id = ?`).pluck().get(row.listingId) as number;
          notifyProducerMembers(
            sqlite,
            producerId,
            "stock_zero",
            "farmNotice.stockZero",
            { title: row.title, listingId: row.listingId },
            `/farm/listings/${row.listingId}/edit`,
            now,
          );
        }
        const batchId = lotOf.get(row.listingId) as number | undefined;
        if (batchId === undefined) throw new ListingUnavailableError(row.listingId, row.title);
        lines.push({ ...row, batchId, estimatedWeightG: weighed ? weighed.pieceWeightG * row.quantity : null });
      }
      // Stock went down (maybe to sold out): cached storefront pages go, committed with the order.
      storefrontChanged(db, { kind: "listing", listingIds: lines.map((l) => l.listingId), what: "stock" });

      const split = splitOrder(
        lines.map((l) => ({ producerId: l.producerId, quantity: l.quantity, unitPriceFen: l.priceFen })),
        commissionBp,
      );
      // The Stripe idempotency key: the form's token when there is one (one form, one order, one PaymentIntent).
      const idempotencyKey = `order_${input.formToken ?? crypto.randomUUID()}`;
      // A weighed line is authorised for the estimate and captured for the weighed amount (card);
      // pay at pickup has no PaymentIntent at all.
      const captureMethod = payAtPickup ? null : lines.some((l) => l.soldByWeight) ? "manual" : "automatic";
      const orderId = Number(
        sqlite
          .prepare(
            `insert into orders (buyer_id, status, total_fen, contact_phone, delivery_point_id, delivery_point_chosen_at, commission_bp, idempotency_key,
                                 payment_method_types, reserved_until, capture_method, pay_at_pickup, created_at)
             values (?, 'pending_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            buyer.id,
            split.totalFen,
            phone,
            input.deliveryPointId,
            now, // the buyer's explicit choice of point (their consent to delivery there)
            commissionBp,
            idempotencyKey,
            JSON.stringify(payAtPickup ? [] : PAYMENT_METHOD_TYPES),
            reservedUntil,
            captureMethod,
            payAtPickup ? 1 : 0,
            now,
          ).lastInsertRowid,
      );
      const insertSub = sqlite.prepare(
        `insert into sub_orders (order_id, producer_id, status, subtotal_fen, commission_fen, producer_share_fen, created_at)
         values (?, ?, 'pending_payment', ?, ?, ?, ?)`,
      );
      const subOrders: CheckoutResult["subOrders"] = [];
      const subIdByProducer = new Map<number, number>();
      for (const s of split.subOrders) {
        const id = Number(insertSub.run(orderId, s.producerId, s.subtotalFen, s.commissionFen, s.producerShareFen, now).lastInsertRowid);
        subIdByProducer.set(s.producerId, id);
        subOrders.push({ id, ...s });
      }
      const insertLine = sqlite.prepare(
        `insert into order_lines (order_id, sub_order_id, producer_id, listing_id, variant_id, batch_id, quantity, unit_price_fen, sold_by_weight, estimated_weight_g, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const l of lines) {
        insertLine.run(
          orderId,
          subIdByProducer.get(l.producerId)!,
          l.producerId,
          l.listingId,
          l.variantId || null,
          l.batchId,
          l.quantity,
          l.priceFen,
          l.soldByWeight ? 1 : 0,
          l.estimatedWeightG,
          now,
        );
      }
      // Every order placed here has parcels from the start (one producer per parcel).
      shipping().createParcels(db, orderId, now);
      sqlite
        .prepare(
          `insert into order_status_history (order_id, from_status, to_status, source, actor_user_id, at) values (?, null, 'pending_payment', 'checkout', ?, ?)`,
        )
        .run(orderId, buyer.id, now);
      sqlite.prepare(`delete from cart_items where user_id = ?`).run(buyer.id);
      return { orderId, totalFen: split.totalFen, commissionFen: split.commissionFen, reservedUntil, idempotencyKey, subOrders };
    })
    .immediate();
}

// ─── the checkout page's list of points ──────────────────────────────────────
