/**
 * What the buyer sees around a sale (issue 13 §5): refunds on the order page, rating comments,
 * and the honest delivery figures shown before paying. Plain module, no Remix; the caller decides
 * who may see what.
 */
import type { Db } from "../../db/client";
import { DAY_MS, shanghaiDate } from "../../core/clock";
import type { RefundReason } from "./refunds";
import { photoUrl } from "../photos/photos";

export type OrderRefund = {
  id: number;
  subOrderId: number;
  amountFen: number;
  reason: RefundReason;
  note: string;
  /** failed: Stripe refused this attempt; reconcile retries it (recall refunds). */
  status: "pending" | "succeeded" | "failed";
  /** stripe: back to the original payment; cash: owed, then paid out at the pickup point (到站付款). */
  method: "stripe" | "cash";
  recallId: number | null;
  createdAt: number;
  paidOutAt: number | null;
};

/**
 * The refunds of an order (recall refunds included), oldest first, and the total given back. Pending
 * and failed ones are listed (the buyer sees it is under way or being retried) but not counted.
 * Weighed-difference refunds are part of the charge, not refunds the buyer asked for: left out.
 */
export function orderRefunds(db: Db, orderId: number): { refunds: OrderRefund[]; refundedFen: number } {
  const refunds = db.$client
    .prepare(
      `select r.id, r.sub_order_id as subOrderId, r.amount_fen as amountFen, r.reason, coalesce(r.note, '') as note, r.status, r.method,
              r.recall_id as recallId, r.created_at as createdAt, r.paid_out_at as paidOutAt
       from refunds r join sub_orders s on s.id = r.sub_order_id
       where s.order_id = ? and r.reason != 'catch_weight' order by r.created_at, r.id`,
    )
    .all(orderId) as OrderRefund[];
  return { refunds, refundedFen: refunds.filter((r) => r.status === "succeeded").reduce((s, r) => s + r.amountFen, 0) };
}

export type RatingComment = { stars: number; body: string; createdAt: number; photos: string[] };

/** The latest ratings of a producer that carry a comment or photos, newest first, with their photos' URLs. */
export function producerRatingComments(db: Db, producerId: number, limit = 20): RatingComment[] {
  const rows = db.$client
    .prepare(
      `select id, stars, body, created_at as createdAt from ratings
       where producer_id = ? and (length(trim(body)) > 0 or exists (select 1 from rating_photos p where p.rating_id = ratings.id))
       order by created_at desc, id desc limit ?`,
    )
    .all(producerId, limit) as (Omit<RatingComment, "photos"> & { id: number })[];
  if (rows.length === 0) return [];
  const photos = db.$client
    .prepare(
      `select rating_id as ratingId, file_key as fileKey from rating_photos where rating_id in (${rows.map(() => "?").join(",")}) order by rating_id, position`,
    )
    .all(...rows.map((r) => r.id)) as { ratingId: number; fileKey: string }[];
  return rows.map(({ id, ...r }) => ({ ...r, photos: photos.filter((p) => p.ratingId === id).map((p) => photoUrl(p.fileKey)) }));
}

/**
 * What delivery costs: nothing. Parcels travel on the platform's village routes and no fee is
 * charged today; the checkout page says so (免运费) rather than leaving the buyer to guess.
 */
export const DELIVERY_FEE_FEN = 0;

/** Days from paying to the parcel being at the point: the producer packs and dispatches on the next working day, the route takes a day. */
export const PICKUP_LEAD_DAYS = 2;

/** The first day the parcels may be collected, as YYYY-MM-DD in China time (shown as 预计 X 月 Y 日起可取). */
export function expectedPickupDate(now = Date.now()): { iso: string; month: number; day: number } {
  const iso = shanghaiDate(now + PICKUP_LEAD_DAYS * DAY_MS);
  return { iso, month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}
