/**
 * The order state machine. Pure: the table of legal moves; app/orders/orders.server.ts applies
 * them to the database (guarded UPDATE + a history row).
 *
 *   pending_payment → paid → in_fulfilment → ready_for_pickup → picked_up → completed
 *   pending_payment → cancelled           (reservation expired, payment failed or cancelled)
 *   paid … picked_up → refunded           (full refund; a partial refund keeps the status)
 *   cancelled → refunded                  (a payment that arrived after the reservation expired
 *                                          is refunded in full: nothing paid for is kept or lost)
 */
import { ORDER_STATUSES, type OrderStatus } from "../../db/schema";

export { ORDER_STATUSES, type OrderStatus };

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ["paid", "cancelled"],
  paid: ["in_fulfilment", "refunded"],
  in_fulfilment: ["ready_for_pickup", "refunded"],
  ready_for_pickup: ["picked_up", "refunded"],
  picked_up: ["completed", "refunded"],
  // A dispute may be decided for the buyer after the order completed.
  completed: ["refunded"],
  cancelled: ["refunded"],
  refunded: [],
};

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === "string" && (ORDER_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from]?.includes(to) ?? false;
}

export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

export class IllegalTransitionError extends Error {
  readonly messageKey = "orders.error.illegalTransition";
  constructor(
    public readonly orderId: number,
    public readonly from: string,
    public readonly to: OrderStatus,
  ) {
    super(`order ${orderId}: ${from} → ${to} is not allowed`);
  }
}

export function assertTransition(orderId: number, from: string, to: OrderStatus): void {
  if (!isOrderStatus(from) || !canTransition(from, to)) throw new IllegalTransitionError(orderId, from, to);
}

/**
 * An order whose goods may move (be packed, weighed, dispatched, handed out): paid, or paid in cash
 * at the village station, which stays pending_payment until the operator confirms it at pickup.
 * As SQL over `orders` aliased `order`; `status` is the column whose paid states count (the
 * order's, or a sub-order's), `paidStates` the states that mean paid.
 */
export function paidOrPayAtPickupSql(opts: { order?: string; status?: string; paidStates?: readonly OrderStatus[] } = {}): string {
  const o = opts.order ?? "o";
  const status = opts.status ?? `${o}.status`;
  const paid = (opts.paidStates ?? ["paid", "in_fulfilment"]).map((s) => `'${s}'`).join(", ");
  return `(${status} in (${paid}) or (${o}.pay_at_pickup = 1 and ${o}.status = 'pending_payment'))`;
}
