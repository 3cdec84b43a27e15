/** Remix glue: who may see an order: its buyer or a platform admin (404 when missing, 403 otherwise). */
import { hasRole, type Actor } from "../../core/permissions";
import { getDb } from "~/utils/db.server";
import { getOrderDetail, type OrderDetail } from "../../market/orders/orders";

export function parseOrderId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new Response("error.notFound", { status: 404 });
  return id;
}

export function requireOrderForViewer(user: Actor, orderId: number): OrderDetail {
  const order = getOrderDetail(getDb(), orderId);
  if (!order) throw new Response("error.notFound", { status: 404 });
  if (order.buyerId !== user.id && !hasRole(user, "platform_admin")) throw new Response("error.forbidden", { status: 403 });
  return order;
}
