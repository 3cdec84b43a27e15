/**
 * Logistics as the market's shipping provider (market/orders/shipping.ts): point capacity at
 * checkout, the order's parcels, and stopping them when the order is cancelled or refunded.
 * Importing this module registers it.
 */
import { provideShipping } from "../market/orders/shipping";
import { cancelOrderParcels } from "./holding";
import { canTakeParcels, findFeasiblePoints } from "./network";
import { createParcelsForOrder, parcelNeedsForCart } from "./order-parcels";

provideShipping({
  refusalOfPoint(db, buyerId, point) {
    const needs = parcelNeedsForCart(db, buyerId);
    const feasible = canTakeParcels(db, point.id, needs);
    if (feasible.ok) return null;
    const next = findFeasiblePoints(db, point, needs, { limit: 1, excludePointId: point.id })[0];
    return { reason: feasible.reason, suggestion: next ? { id: next.point.id, name: next.point.name, km: next.km } : null };
  },
  createParcels(db, orderId, now) {
    createParcelsForOrder(db, orderId, now);
  },
  stopParcels(sqlite, where, now, actorUserId) {
    return cancelOrderParcels(sqlite, where, now, actorUserId);
  },
});
