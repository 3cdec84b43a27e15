/** /orders: the buyer's orders, newest first. */
import { shanghaiDateTime } from "../../core/clock";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";
import { listBuyerOrders } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "orders.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { orders: listBuyerOrders(getDb(), user.id).map((o) => ({ ...o, createdAtText: shanghaiDateTime(o.createdAt) })) };
}

export default function OrdersRoute() {
  const t = useT();
  const { orders } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("orders.title")}</h1>
      {orders.length === 0 ? (
        <p>
          {t("orders.none")} <Link to="/listings">{t("cart.browse")}</Link>
        </p>
      ) : (
        <ul className="order-list" style={{ listStyle: "none", padding: 0 }}>
          {orders.map((o) => (
            <li key={o.id} className="panel" data-order-id={o.id}>
              <p>
                <Link to={`/orders/${o.id}`}>{t("orders.orderNo", { id: o.id })}</Link> <span className="badge">{t(`orders.status.${o.status}` as const)}</span>
              </p>
              <p className="meta">
                {o.createdAtText} · {t("orders.subOrderCount", { count: o.subOrderCount })} · {formatFen(o.totalFen)}
              </p>
              {o.status === "pending_payment" ? <Link to={`/orders/${o.id}/pay`}>{t("orders.pay")}</Link> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
