/**
 * Commission and producer shares in integer fen. Pure: no database, no rounding loss.
 *
 * Rounding rule: per sub-order, commission = floor(subtotal × bp / 10 000) and the producer's
 * share = subtotal − commission. The fraction of a fen that floor() drops therefore goes to the
 * producer, never to the platform, and commission + share = subtotal exactly for every sub-order,
 * so the order's shares plus its commissions add up to the order total exactly. (The order's
 * commission is the sum of its sub-orders' commissions; it can be up to one fen per producer below
 * floor(total × bp / 10 000) — in the producers' favour.)
 */

export const BP_DENOMINATOR = 10_000;

export type Split = { subtotalFen: number; commissionFen: number; producerShareFen: number };

function assertFen(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer number of fen, got ${value}`);
}

export function assertCommissionBp(bp: number): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > BP_DENOMINATOR) throw new RangeError(`commission must be 0..10000 basis points, got ${bp}`);
}

/** The split of one sub-order's subtotal. */
export function splitSubtotal(subtotalFen: number, commissionBp: number): Split {
  assertFen(subtotalFen, "subtotal");
  assertCommissionBp(commissionBp);
  // BigInt: subtotal × bp may pass 2^53 for absurd totals; the result is exact either way.
  const commissionFen = Number((BigInt(subtotalFen) * BigInt(commissionBp)) / BigInt(BP_DENOMINATOR));
  return { subtotalFen, commissionFen, producerShareFen: subtotalFen - commissionFen };
}

/** Line total in fen (quantity × unit price), checked to stay an exact integer. */
export function lineTotalFen(quantity: number, unitPriceFen: number): number {
  assertFen(unitPriceFen, "unit price");
  if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError(`quantity must be a positive integer, got ${quantity}`);
  const total = quantity * unitPriceFen;
  if (!Number.isSafeInteger(total)) throw new RangeError("line total is too large");
  return total;
}

export type SplitLine = { producerId: number; quantity: number; unitPriceFen: number };
export type OrderSplit = {
  totalFen: number;
  commissionFen: number;
  subOrders: (Split & { producerId: number })[];
};

/** Groups lines by producer (in first-seen order) and splits each producer's subtotal. */
export function splitOrder(lines: SplitLine[], commissionBp: number): OrderSplit {
  const subtotals = new Map<number, number>();
  for (const l of lines) subtotals.set(l.producerId, (subtotals.get(l.producerId) ?? 0) + lineTotalFen(l.quantity, l.unitPriceFen));
  const subOrders = [...subtotals].map(([producerId, subtotal]) => ({ producerId, ...splitSubtotal(subtotal, commissionBp) }));
  const totalFen = subOrders.reduce((s, x) => s + x.subtotalFen, 0);
  const commissionFen = subOrders.reduce((s, x) => s + x.commissionFen, 0);
  return { totalFen, commissionFen, subOrders };
}
