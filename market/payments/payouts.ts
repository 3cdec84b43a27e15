/**
 * Producers as Stripe connected accounts, and the transfer of each sub-order's share.
 * Plain module, no Remix.
 *
 * A producer gets its connected account when it is verified (credit code valid or approved by an
 * admin): ensureConnectedAccount() creates it on first need — at payout, and for every verified
 * producer without one on each reconcile run (so an approval is followed by an account within one
 * reconcile interval without making the admin's review wait on Stripe).
 *
 * Transfers: after an order is paid, one transfer per sub-order to the producer's account, amount
 * = the producer's share (the commission stays on the platform), transfer_group order_<id>,
 * Idempotency-Key transfer_<subOrderId>: a retry (reconcile) can never pay a producer twice.
 */
import { VERIFIED_PRODUCER_SQL } from "../../core/credit-code";
import type { Db } from "../../db/client";
import type { Stripe } from "./stripe";
import { transferGroupFor } from "./stripe";

const VERIFIED = VERIFIED_PRODUCER_SQL;

/** The producer's connected account id, created (Express, idempotent per producer) when missing. Null if not verified. */
export async function ensureConnectedAccount(db: Db, stripe: Stripe, producerId: number): Promise<string | null> {
  const sqlite = db.$client;
  const producer = sqlite
    .prepare(`select id, name_zh as name, credit_code as creditCode, stripe_account_id as accountId, ${VERIFIED} as verified from producers where id = ?`)
    .get(producerId) as { id: number; name: string; creditCode: string; accountId: string | null; verified: number } | undefined;
  if (!producer) return null;
  if (producer.accountId) return producer.accountId;
  if (!producer.verified) return null;
  const account = await stripe.accounts.create(
    {
      type: "express",
      country: "CN",
      business_type: "company",
      business_profile: { name: producer.name },
      capabilities: { transfers: { requested: true } },
      metadata: { producer_id: String(producer.id), credit_code: producer.creditCode },
    },
    { idempotencyKey: `account_producer_${producer.id}` },
  );
  sqlite.prepare(`update producers set stripe_account_id = ? where id = ? and stripe_account_id is null`).run(account.id, producer.id);
  return (sqlite.prepare(`select stripe_account_id from producers where id = ?`).pluck().get(producer.id) as string | null) ?? account.id;
}

/** Creates accounts for verified producers that have none (reconcile). Returns how many were created. */
export async function ensureConnectedAccounts(db: Db, stripe: Stripe): Promise<number> {
  const ids = db.$client.prepare(`select id from producers where stripe_account_id is null and ${VERIFIED} order by id`).pluck().all() as number[];
  let created = 0;
  for (const id of ids) if (await ensureConnectedAccount(db, stripe, id)) created++;
  return created;
}

export type PayoutResult = { transferred: { subOrderId: number; transferId: string }[]; failed: { subOrderId: number; error: string }[] };

/** Order statuses in which producers are owed their share. */
const PAYABLE = `('paid', 'in_fulfilment', 'ready_for_pickup', 'picked_up', 'completed')`;

/**
 * Catch weight / pay at pickup (W3): no transfer while a sold-by-weight line of the order is not
 * settled (the share follows the captured amount, catch-weight.server.ts), and none for 到站付款
 * orders (the money was collected at the station, not through Stripe).
 */
const SETTLED = `(o.pay_at_pickup = 0 and not exists (select 1 from order_lines w where w.order_id = o.id and w.sold_by_weight = 1)
  or (o.pay_at_pickup = 0 and exists (select 1 from order_status_history h where h.order_id = o.id and h.note like 'catch weight final%')))`;

/** Transfers every share of the order not yet transferred. Failures are returned (and retried by reconcile), never thrown. */
export async function payoutOrder(db: Db, stripe: Stripe, orderId: number, now = Date.now()): Promise<PayoutResult> {
  const sqlite = db.$client;
  const due = sqlite
    .prepare(
      `select s.id, s.producer_id as producerId, s.producer_share_fen as share
       from sub_orders s join orders o on o.id = s.order_id
       where s.order_id = ? and o.status in ${PAYABLE} and s.stripe_transfer_id is null and s.producer_share_fen > 0 and ${SETTLED}
       order by s.id`,
    )
    .all(orderId) as { id: number; producerId: number; share: number }[];
  const result: PayoutResult = { transferred: [], failed: [] };
  for (const s of due) {
    try {
      const destination = await ensureConnectedAccount(db, stripe, s.producerId);
      if (!destination) {
        result.failed.push({ subOrderId: s.id, error: "producer has no connected account (not verified)" });
        continue;
      }
      const transfer = await stripe.transfers.create(
        {
          amount: s.share,
          currency: "cny",
          destination,
          transfer_group: transferGroupFor(orderId),
          metadata: { order_id: String(orderId), sub_order_id: String(s.id) },
        },
        { idempotencyKey: `transfer_${s.id}` },
      );
      sqlite
        .prepare(`update sub_orders set stripe_transfer_id = ?, transferred_at = ? where id = ? and stripe_transfer_id is null`)
        .run(transfer.id, now, s.id);
      result.transferred.push({ subOrderId: s.id, transferId: transfer.id });
    } catch (e) {
      result.failed.push({ subOrderId: s.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}

/** Orders with shares still owed (paid or later, a sub-order without transfer): what reconcile retries. */
export function ordersWithPendingTransfers(db: Db, limit = 500): number[] {
  return db.$client
    .prepare(
      `select distinct s.order_id from sub_orders s join orders o on o.id = s.order_id
       where o.status in ${PAYABLE} and s.stripe_transfer_id is null and s.producer_share_fen > 0 and ${SETTLED}
       order by s.order_id limit ?`,
    )
    .pluck()
    .all(limit) as number[];
}
