/** /orders/:orderId: the order, its sub-orders per producer, lines, amounts and status timeline. */
import { shanghaiDateTime } from "../../core/clock";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";
import {
  getOrderTimeline,
  getDeliveryPoint,
  lotCodes,
  listOrderInvoices,
  invoicePdfReady,
  prepareInvoicePdfs,
  afterSaleForOrder,
  orderRefunds,
  refundableFen,
  refundSubOrder,
  getStripe,
} from "~/market.server";
import { buyerParcels, pendingPointChanges, respondToPointChange } from "~/logistics.server";
import { getDb } from "~/utils/db.server";
// ── after sale (W1) ──
import { RatingForm } from "~/orders-ui/rating-form";
// ── end after sale ──
import { pageTitle } from "~/utils/meta";
import { parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";
import { act, forbidden } from "~/utils/http.server";
import { hasRole } from "../../core/permissions";
import { PriceField } from "~/listings/schemas";
// ── parcels (issue 5) ──
// ── end parcels ──

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "orders.orderNo", { id: data.order.id }) : pageTitle(matches, "error.notFound");

function withPdfsStarted<T extends { id: number; number: string }>(db: ReturnType<typeof getDb>, invoices: T[]): T[] {
  prepareInvoicePdfs(db, invoices);
  return invoices;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const order = requireOrderForViewer(user, parseOrderId(params.orderId));
  const db = getDb();
  const lots = lotCodes(
    db,
    order.subOrders.flatMap((s) => s.lines.map((l) => l.batchId)),
  );
  return {
    order: { ...order, createdAtText: shanghaiDateTime(order.createdAt) },
    lots,
    deliveryPoint: getDeliveryPoint(db, order.deliveryPointId),
    timeline: getOrderTimeline(db, order.id).map((e) => ({ ...e, atText: shanghaiDateTime(e.at) })),
    refunds: refundsView(db, order.id),
    // The platform admin refunds from here (part of a sub-order, with a reason): what is left to refund per sub-order.
    refundable: hasRole(user, "platform_admin") ? Object.fromEntries(order.subOrders.map((s) => [s.id, refundableFen(db, s.id)])) : null,
    // ── after sale (W1) ──
    afterSale: afterSaleForOrder(db, order, user.id),
    // ── end after sale ──
    // ── invoices (W2) ──
    // PDFs are rendered off the event loop and stored (issue 14 §3): the first view starts them.
    invoices: withPdfsStarted(db, listOrderInvoices(db, order.id)).map((i) => ({
      id: i.id,
      subOrderId: i.subOrderId,
      number: i.number,
      vatTreatment: i.vatTreatment,
      vatRateBp: i.vatRateBp,
      vatFen: i.vatFen,
      pdfReady: invoicePdfReady(db, i),
    })),
    // ── end invoices ──
    // ── parcels (issue 5): the pickup code and its QR only for the buyer's own order ──
    ...(await parcelsFor(user, order.id, order.buyerId)),
    // ── end parcels ──
  };
}

/** The order's refunds with their dates in China time, and the refunded total. */
function refundsView(db: ReturnType<typeof getDb>, orderId: number) {
  const { refunds, refundedFen } = orderRefunds(db, orderId);
  return { refundedFen, rows: refunds.map((r) => ({ ...r, dateText: shanghaiDateTime(r.paidOutAt ?? r.createdAt) })) };
}

// ── parcels (issue 5) ──
async function parcelsFor(user: Awaited<ReturnType<typeof requireUser>>, orderId: number, buyerId: number) {
  if (user.id !== buyerId) return { parcels: [], pointChanges: [] };
  const db = getDb();
  const parcels = await Promise.all(
    buyerParcels(db, user, orderId).map(async (p) => ({
      ...p,
      holdUntilText: p.holdUntil ? shanghaiDateTime(p.holdUntil) : null,
      // Inline SVG: no second request, nothing cached anywhere but this page.
      qrSvg: p.qrPayload ? await QRCode.toString(p.qrPayload, { type: "svg", errorCorrectionLevel: "M", margin: 2 }) : null,
    })),
  );
  return { parcels, pointChanges: pendingPointChanges(db, user, orderId) };
}

const PointChangeSchema = z.object({ intent: z.enum(["accept", "decline"]), changeId: z.coerce.number().int().positive() });
const REFUND_REASONS = ["goodwill", "cancelled", "other"] as const;
const RefundSchema = z.object({
  intent: z.literal("refund"),
  subOrderId: z.coerce.number().int().positive().max(2_147_483_647),
  amount: PriceField,
  reason: z.enum(REFUND_REASONS),
  note: z.string().trim().max(200).default(""),
});

/** The buyer answers a proposed change of pickup point (同意 / 不同意). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const order = requireOrderForViewer(user, parseOrderId(params.orderId));
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "refund") {
    // A partial or full refund of one sub-order by the platform admin (refundSubOrder checks the role again).
    if (!hasRole(user, "platform_admin")) forbidden();
    const refund = RefundSchema.safeParse(form);
    if (!refund.success) return data({ ok: false as const, message: refund.error.issues[0]?.message ?? "refunds.error.amount" }, { status: 400 });
    const { subOrderId, amount, reason, note } = refund.data;
    if (!order.subOrders.some((s) => s.id === subOrderId)) return data({ ok: false as const, message: "refunds.error.notRefundable" }, { status: 400 });
    return act(
      async () => {
        await refundSubOrder(getDb(), getStripe(), user, subOrderId, amount, reason, note);
        return { ok: true as const, message: "refundsView.done" };
      },
      { request, reply: (refusal) => ({ ok: false as const, message: refusal.messageKey }) },
    );
  }
  const parsed = PointChangeSchema.safeParse(form);
  if (!parsed.success) return data({ ok: false as const, message: "parcels.error.changeAnswered" }, { status: 400 });
  if (order.buyerId !== user.id) forbidden();
  const { changeId, intent } = parsed.data;
  return act(
    () => {
      respondToPointChange(getDb(), user, changeId, intent === "accept");
      return { ok: true as const, message: intent === "accept" ? "parcels.buyer.accepted" : "parcels.buyer.declined" };
    },
    { request, reply: (refusal) => ({ ok: false as const, message: refusal.messageKey }) },
  );
}

type LoadedParcel = Awaited<ReturnType<typeof parcelsFor>>["parcels"][number];

function ParcelsSection({ parcels, pointChanges }: { parcels: LoadedParcel[]; pointChanges: Awaited<ReturnType<typeof parcelsFor>>["pointChanges"] }) {
  const t = useT();
  const result = useActionData<typeof action>();
  if (parcels.length === 0 && pointChanges.length === 0) return null;
  return (
    <section aria-labelledby="parcels-heading" data-testid="order-parcels">
      <h2 id="parcels-heading">{t("parcels.buyer.title")}</h2>
      {result ? (
        <p className={result.ok ? "notice" : "form-error"} role={result.ok ? "status" : "alert"}>
          {t.has(result.message) ? t(result.message) : result.message}
        </p>
      ) : null}
      {pointChanges.map((c) => (
        <Form method="post" key={c.id} className="panel warning" data-testid="point-change">
          <p>
            <strong>{t("parcels.buyer.proposalTitle")}</strong>
          </p>
          <p>{t("parcels.buyer.proposal", { from: c.fromPointName, to: c.toPointName, address: c.toPointAddress })}</p>
          <input type="hidden" name="changeId" value={c.id} />
          <div className="button-row">
            <button type="submit" name="intent" value="accept" className="primary" style={{ minHeight: "3rem" }}>
              {t("parcels.buyer.accept")}
            </button>
            <button type="submit" name="intent" value="decline" className="secondary" style={{ minHeight: "3rem" }}>
              {t("parcels.buyer.decline")}
            </button>
          </div>
        </Form>
      ))}
      <ul style={{ listStyle: "none", padding: 0, display: "grid", gap: "0.5rem" }}>
        {parcels.map((p) => (
          <li key={p.id} className="panel" data-testid="parcel" data-parcel-code={p.code}>
            <p>
              <strong className="mono">{p.code}</strong>{" "}
              <span className="badge" data-testid="parcel-status">
                {t(`parcels.status.${p.status}` as const)}
              </span>
              <span className="badge muted">{t(`parcels.size.${p.size}` as const)}</span>
              {p.chilled ? <span className="badge">{t("parcels.chilled")}</span> : null}
            </p>
            <p className="meta">
              {p.producerName} · {p.items.map((i) => `${i.title} × ${i.quantity}`).join("，")}
            </p>
            <p>
              {t("parcels.point")}: {p.pointName} · {p.pointAddress}
              {p.slotCode && p.status !== "awaiting_dispatch" ? (
                <>
                  {" "}
                  · {t("parcels.slot")} <strong>{p.slotCode}</strong>
                </>
              ) : null}
            </p>
            {p.status === "awaiting_dispatch" ? <p className="meta">{t("parcels.buyer.waitingDispatch")}</p> : null}
            {p.recallHold ? <p className="form-error">{t("parcels.recallHold")}</p> : null}
            {p.status === "quarantined" ? (
              <p className="warning" data-testid="parcel-quarantined">
                {t("parcels.quarantine.buyer")}
              </p>
            ) : null}
            {p.pickupCode ? (
              <div data-testid="pickup">
                <p className="meta">{t("parcels.buyer.showCode")}</p>
                <p aria-label={t("parcels.buyer.pickupCode")}>
                  {t("parcels.buyer.pickupCode")}:{" "}
                  <strong className="mono" data-testid="pickup-code" style={{ fontSize: "2.25rem", letterSpacing: "0.25em" }}>
                    {p.pickupCode}
                  </strong>
                </p>
                {p.qrSvg ? (
                  <div
                    role="img"
                    aria-label={t("parcels.buyer.qrAlt")}
                    style={{ width: "12rem", maxWidth: "100%" }}
                    dangerouslySetInnerHTML={{ __html: p.qrSvg }}
                  />
                ) : null}
                {p.holdUntilText ? <p className="warning">{t("parcels.holdUntil", { deadline: p.holdUntilText })}</p> : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
// ── end parcels ──

export default function OrderRoute() {
  const t = useT();
  const { order, lots, deliveryPoint, timeline, invoices, refunds, refundable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { afterSale } = useLoaderData<typeof loader>(); // after sale (W1)
  const { parcels, pointChanges } = useLoaderData<typeof loader>(); // parcels (issue 5)
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
        {refunds.refundedFen > 0 ? (
          <>
            <dt>{t("refundsView.total")}</dt>
            <dd className="price" data-testid="refunded-total">
              −{formatFen(refunds.refundedFen)}
            </dd>
          </>
        ) : null}
        <dt>{t("orders.contactPhone")}</dt>
        <dd>{order.contactPhone}</dd>
        <dt>{t("orders.deliveryPoint")}</dt>
        <dd>{deliveryPoint ? `${deliveryPoint.name} · ${deliveryPoint.address}` : "—"}</dd>
      </dl>

      {refunds.rows.length ? (
        <section aria-labelledby="refunds-heading" className="panel" data-testid="order-refunds">
          <h2 id="refunds-heading">{t("refundsView.title")}</h2>
          {refunds.refundedFen > 0 ? (
            <p className="notice" role="status">
              {t("refundsView.notice", { amount: formatFen(refunds.refundedFen) })}
            </p>
          ) : null}
          <ul>
            {refunds.rows.map((r) => (
              <li key={r.id} data-testid="refund">
                {t("refundsView.row", { date: r.dateText, amount: formatFen(r.amountFen), reason: t(`refunds.reason.${r.reason}` as const) })}{" "}
                <span className={r.status === "succeeded" ? "badge ok" : "badge warn"}>
                  {r.method === "cash"
                    ? t(r.status === "succeeded" ? "orders.refunds.cashPaid" : "orders.refunds.cashDue")
                    : t(r.status === "succeeded" ? "orders.refunds.done" : r.status === "failed" ? "orders.refunds.retrying" : "orders.refunds.pending")}
                </span>
                {r.note ? <span className="meta"> · {r.note}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <ParcelsSection parcels={parcels} pointChanges={pointChanges} />

      <h2>
        {t("orders.subOrders")} ({order.subOrders.length})
      </h2>
      {order.subOrders.map((s) => (
        <section key={s.id} className="panel sub-order" data-testid="sub-order" aria-label={t("orders.subOrder", { id: s.id, producer: s.producerName })}>
          <h3>
            {t("orders.subOrder", { id: s.id, producer: s.producerName })} <span className="badge">{t(`orders.status.${s.status}` as const)}</span>
          </h3>
          {/* The producer's page: its credit profile and ratings (issue 12 §2). */}
          <p>
            <Link to={`/producers/${s.producerId}`} className="button secondary">
              {t("credit.title")}
            </Link>
          </p>
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
                      {l.variantName ? <span className="badge muted"> {l.variantName}</span> : null}
                    </td>
                    <td className="mono" data-label={t("orders.lot")}>
                      {lots[l.batchId] ?? "—"}
                    </td>
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
          {refundable && (refundable[s.id] ?? 0) > 0 ? (
            <details className="admin-refund">
              <summary style={{ minHeight: 44, display: "flex", alignItems: "center" }}>{t("refundsView.adminTitle")}</summary>
              {result && !result.ok ? (
                <p className="form-error" role="alert">
                  {t.has(result.message) ? t(result.message) : result.message}
                </p>
              ) : null}
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="refund" />
                <input type="hidden" name="subOrderId" value={s.id} />
                <p className="meta">{t("refundsView.left", { amount: formatFen(refundable[s.id]!) })}</p>
                <div className="field">
                  <label htmlFor={`refund-amount-${s.id}`}>{t("refundsView.amount")}</label>
                  <input id={`refund-amount-${s.id}`} name="amount" inputMode="decimal" required />
                </div>
                <div className="field">
                  <label htmlFor={`refund-reason-${s.id}`}>{t("refundsView.reason")}</label>
                  <select id={`refund-reason-${s.id}`} name="reason" defaultValue="goodwill">
                    <option value="goodwill">{t("refunds.reason.goodwill")}</option>
                    <option value="cancelled">{t("refunds.reason.cancelled")}</option>
                    <option value="other">{t("refunds.reason.other")}</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor={`refund-note-${s.id}`}>{t("refundsView.note")}</label>
                  <input id={`refund-note-${s.id}`} name="note" maxLength={200} />
                </div>
                <button type="submit" className="primary" style={{ minHeight: 44 }}>
                  {t("refundsView.submit")}
                </button>
              </Form>
            </details>
          ) : null}
          {/* ── after sale (W1) ── */}
          {afterSale[s.id] ? (
            <div className="after-sale" data-testid="after-sale">
              {afterSale[s.id]!.rating ? (
                <div data-testid="my-rating">
                  <p className="meta">{t("ratings.yours", { stars: afterSale[s.id]!.rating!.stars })}</p>
                  {afterSale[s.id]!.rating!.body ? <blockquote className="rating-comment">{afterSale[s.id]!.rating!.body}</blockquote> : null}
                </div>
              ) : null}
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
        {invoices.some((i) => !i.pdfReady) ? (
          <p className="meta" data-testid="invoices-pending" role="status">
            {t("invoices.pending")} <a href={`/orders/${order.id}`}>{t("invoices.refresh")}</a>
          </p>
        ) : null}
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
