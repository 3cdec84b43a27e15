/** /orders/:orderId: the order, its sub-orders per producer, lines, amounts and status timeline. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "~/domain/money";
import { useT } from "~/i18n/react";
import { getOrderTimeline } from "~/orders/orders.server";
import { getDeliveryPoint, lotCodes } from "~/orders/pages.server";
import { ensureOrderInvoices } from "~/invoices/invoices.server";
import { getDb } from "~/utils/db.server";
// ── after sale (W1) ──
import { afterSaleForOrder } from "~/orders/ratings.server";
import { RatingForm } from "~/orders/rating-form";
// ── end after sale ──
import { pageTitle } from "~/utils/meta";
import { chinaDateTime, parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "orders.orderNo", { id: data.order.id }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const order = requireOrderForViewer(user, parseOrderId(params.orderId));
  const db = getDb();
  const lots = lotCodes(db, order.subOrders.flatMap((s) => s.lines.map((l) => l.batchId)));
  return {
    order: { ...order, createdAtText: chinaDateTime(order.createdAt) },
    lots,
    deliveryPoint: getDeliveryPoint(db, order.deliveryPointId),
    timeline: getOrderTimeline(db, order.id).map((e) => ({ ...e, atText: chinaDateTime(e.at) })),
    // ── after sale (W1) ──
    afterSale: afterSaleForOrder(db, order, user.id),
    // ── end after sale ──
    // ── invoices (W2) ──
    invoices: ensureOrderInvoices(db, order.id).map((i) => ({ id: i.id, subOrderId: i.subOrderId, number: i.number, vatTreatment: i.vatTreatment, vatRateBp: i.vatRateBp, vatFen: i.vatFen })),
    // ── end invoices ──
  };
}

export default function OrderRoute() {
  const t = useT();
  const { order, lots, deliveryPoint, timeline, invoices } = useLoaderData<typeof loader>();
  const { afterSale } = useLoaderData<typeof loader>(); // after sale (W1)
  return (
    <article>
      <p>
        <Link to="/orders">{t("orders.title")}</Link>
      </p>
      <h1>
        {t("orders.orderNo", { id: order.id })}{" "}
        <span className="badge" data-testid="order-status">
          {t(`orders.status.${order.status}` as const)}
        </span>
      </h1>
      {order.status === "pending_payment" ? (
        <p>
          <Link to={`/orders/${order.id}/pay`} className="button primary">
            {t("orders.pay")}
          </Link>
        </p>
      ) : null}
      <dl className="kv">
        <dt>{t("orders.createdAt")}</dt>
        <dd>{order.createdAtText}</dd>
        <dt>{t("orders.total")}</dt>
        <dd className="price">{formatFen(order.totalFen)}</dd>
        <dt>{t("orders.contactPhone")}</dt>
        <dd>{order.contactPhone}</dd>
        <dt>{t("orders.deliveryPoint")}</dt>
        <dd>{deliveryPoint ? `${deliveryPoint.name} · ${deliveryPoint.address}` : "—"}</dd>
      </dl>

      <h2>
        {t("orders.subOrders")} ({order.subOrders.length})
      </h2>
      {order.subOrders.map((s) => (
        <section key={s.id} className="panel sub-order" data-testid="sub-order" aria-label={t("orders.subOrder", { id: s.id, producer: s.producerName })}>
          <h3>
            {t("orders.subOrder", { id: s.id, producer: s.producerName })}{" "}
            <span className="badge">{t(`orders.status.${s.status}` as const)}</span>
          </h3>
          <div className="table-wrap">
            <table className="stack-table">
              <thead>
                <tr>
                  <th scope="col">{t("orders.lines")}</th>
                  <th scope="col">{t("orders.lot")}</th>
                  <th scope="col">{t("orders.unitPrice")}</th>
                  <th scope="col">{t("orders.quantity")}</th>
                  <th scope="col">{t("orders.subtotal")}</th>
                </tr>
              </thead>
              <tbody>
                {s.lines.map((l) => (
                  <tr key={l.id}>
                    <td>
                      <Link to={`/listings/${l.listingId}`}>{l.title}</Link>
                    </td>
                    <td className="mono" data-label={t("orders.lot")}>{lots[l.batchId] ?? "—"}</td>
                    <td data-label={t("orders.unitPrice")}>{formatFen(l.unitPriceFen)}</td>
                    <td data-label={t("orders.quantity")}>{l.quantity}</td>
                    <td data-label={t("orders.subtotal")}>{formatFen(l.unitPriceFen * l.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            {t("orders.subtotal")}: <strong>{formatFen(s.subtotalFen)}</strong>
          </p>
          {/* ── after sale (W1) ── */}
          {afterSale[s.id] ? (
            <div className="after-sale" data-testid="after-sale">
              {afterSale[s.id]!.rating ? <p className="meta">{t("ratings.yours", { stars: afterSale[s.id]!.rating!.stars })}</p> : null}
              {afterSale[s.id]!.canRate ? (
                <details>
                  <summary>{t("ratings.rate")}</summary>
                  <RatingForm orderId={order.id} subOrderId={s.id} />
                </details>
              ) : null}
              {afterSale[s.id]!.disputeId != null || afterSale[s.id]!.canOpenDispute ? (
                <p>
                  <Link to={`/orders/${order.id}/sub/${s.id}/dispute`} className="button secondary">
                    {afterSale[s.id]!.disputeId != null ? t("disputes.view") : t("disputes.open")}
                  </Link>
                </p>
              ) : null}
            </div>
          ) : null}
          {/* ── end after sale ── */}
        </section>
      ))}

      {/* ── invoices (W2) ── */}
      <section aria-labelledby="invoices-heading" data-testid="order-invoices">
        <h2 id="invoices-heading">{t("invoices.title")}</h2>
        {invoices.length === 0 ? <p className="meta">{t("invoices.none")}</p> : null}
        <ul>
          {invoices.map((i) => (
            <li key={i.id} data-testid="invoice">
              <a href={`/orders/${order.id}/invoices/${i.id}.pdf`} download>
                {t("invoices.download", { number: i.number })}
              </a>{" "}
              <span className="meta">
                {t("invoices.forSubOrder", { id: i.subOrderId })} ·{" "}
                {i.vatTreatment === "exempt" ? t("invoices.exempt") : t("invoices.vat", { rate: (i.vatRateBp ?? 0) / 100, amount: formatFen(i.vatFen) })}
              </span>
            </li>
          ))}
        </ul>
      </section>
      {/* ── end invoices ── */}

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t("orders.timeline")}</h2>
        <ol className="timeline" data-testid="order-timeline">
          {timeline.map((e, i) => (
            <li key={i}>
              <span className="mono">{e.atText}</span> {t(`orders.status.${e.toStatus}` as const)}{" "}
              <span className="meta">({t(`orders.source.${e.source}` as const)})</span>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
