/** /farm/orders: the producer's order inbox (mobile) and packing list per delivery point. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "~/domain/money";
import { useT } from "~/i18n/react";
import { listProducerSubOrders, packingList } from "~/orders/pages.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { chinaDateTime } from "~/utils/order-access.server";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "farmOrders.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  return {
    subOrders: listProducerSubOrders(db, user.producerIds).map((s) => ({ ...s, createdAtText: chinaDateTime(s.createdAt) })),
    packing: packingList(db, user.producerIds),
  };
}

export default function FarmOrdersRoute() {
  const t = useT();
  const { subOrders, packing } = useLoaderData<typeof loader>();
  return (
    <section>
      <p>
        <Link to="/farm">{t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("farmOrders.title")}</h1>

      <section aria-labelledby="packing-heading">
        <h2 id="packing-heading">{t("farmOrders.packing")}</h2>
        <p className="meta">{t("farmOrders.packingHint")}</p>
        {packing.length === 0 ? <p>{t("farmOrders.noPacking")}</p> : null}
        {packing.map((g) => (
          <section key={String(g.deliveryPointId)} className="panel" data-testid="packing-group">
            <h3>{g.deliveryPointName ?? "—"}</h3>
            <ul>
              {g.lines.map((l) => (
                <li key={`${l.listingId}-${l.lotCode}`}>
                  {l.title} · <span className="mono">{l.lotCode}</span> · × <strong>{l.quantity}</strong>{" "}
                  <span className="meta">(#{l.subOrderIds.join(", #")})</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      <section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">{t("farmOrders.inbox")}</h2>
        {subOrders.length === 0 ? <p>{t("farmOrders.none")}</p> : null}
        <ul style={{ listStyle: "none", padding: 0 }}>
          {subOrders.map((s) => (
            <li key={s.id} className="panel" data-testid="inbox-sub-order">
              <p>
                <strong>{t("orders.subOrder", { id: s.id, producer: s.producerName })}</strong>{" "}
                <span className="badge">{t(`orders.status.${s.status}` as const)}</span>
              </p>
              <p className="meta">
                {s.createdAtText} · {t("orders.orderNo", { id: s.orderId })} · {s.deliveryPointName ?? "—"}
              </p>
              <p>
                {t("orders.quantity")}: {s.itemCount} · {t("orders.subtotal")}: {formatFen(s.subtotalFen)} · {t("orders.producerShare")}:{" "}
                {formatFen(s.producerShareFen)}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
