/**
 * /inspect/recalls/:recallId: a recall — grade, deadline, reason, lot, progress by pickup point
 * (held, quarantined, returned, destroyed), the producer's unsold stock, refunds, every affected
 * order, buyer, delivery point and listing, the producer's recall history — with the CSV report
 * download and the forms to record stock destroyed, retry refunds and close the recall (with a
 * note, signed on the chain). Inspectors and platform admins only.
 */
import { act } from "~/utils/http.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import type { MessageKey } from "~/i18n/core";
import { closeRecall, recordProducerStockDestroyed } from "~/inspect/inspect.server";
import { RecallActionSchema } from "~/inspect/schemas";
import { getStripe, refundRecall } from "~/market.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useLocale, useT } from "~/i18n/react";
import { AffectedBuyers, AffectedDeliveryPoints, AffectedListings, AffectedOrders, AffectedTotals } from "~/inspect/components";
import { formatDateTime } from "~/inspect/format";
import { recallView } from "~/inspect/inspect.server";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data && "lot" in data ? `召回 ${data.lot.lotCode}` : "召回"} · 村品` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "inspector", "platform_admin");
  const id = z.coerce.number().int().positive().safeParse(params.recallId);
  if (!id.success) throw new Response("error.notFound", { status: 404 });
  const view = recallView(getDb(), id.data);
  if (!view) throw new Response("error.notFound", { status: 404 });
  return view;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "inspector", "platform_admin");
  const id = z.coerce.number().int().positive().safeParse(params.recallId);
  if (!id.success) throw new Response("error.notFound", { status: 404 });
  const parsed = RecallActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: parsed.error.issues[0]?.message ?? "error.badRequest" }, { status: 400 });
  const db = getDb();
  return act(
    async () => {
      const input = parsed.data;
      if (input.intent === "close") closeRecall(db, user, id.data, input.note);
      else if (input.intent === "stockDestroyed") recordProducerStockDestroyed(db, user, id.data, input.quantity, input.note);
      else await refundRecall(db, getStripe(), id.data);
      return redirect(`/inspect/recalls/${id.data}`);
    },
    { request },
  );
}

export default function RecallRoute() {
  const t = useT();
  const locale = useLocale();
  const { recall, lot, tracePath, chainRecorded, affected, progress, history, refunds } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const product = locale === "en" && lot.productEn ? lot.productEn : lot.productZh;
  const recalledListings = affected.listings.filter((l) => l.status === "recalled").length;
  return (
    <section className="recall-page">
      <p>
        <Link to="/inspect">← {t("inspect.lot.back")}</Link>
      </p>
      <h1>{t("recall.page.title", { product, lot: lot.lotCode })}</h1>
      {searchParams.get("opened") ? (
        <p className="notice" role="status">
          {t("recall.page.done", { listings: recalledListings, held: affected.totals.heldLines, buyers: affected.buyers.length })}
        </p>
      ) : null}
      <p className={chainRecorded ? "notice" : "warning"}>{t(chainRecorded ? "recall.page.chainOk" : "recall.page.chainMissing")}</p>

      {actionData && "error" in actionData ? (
        <p className="form-error" role="alert">
          {t(actionData.error as MessageKey)}
        </p>
      ) : null}
      <dl className="kv panel">
        <dt>{t("recall.grade.label")}</dt>
        <dd data-testid="recall-grade">{t(`recall.grade.${recall.grade}` as MessageKey)}</dd>
        <dt>{t("recall.deadline.label")}</dt>
        <dd>
          {recall.deadlineAt ? formatDateTime(recall.deadlineAt, locale) : "—"}
          {progress.overdue ? <strong className="interval-bad"> · {t("recall.deadline.overdue")}</strong> : null}
        </dd>
        <dt>{t("recall.page.reason")}</dt>
        <dd className="recall-reason">{recall.reason}</dd>
        <dt>{t("recall.page.opened")}</dt>
        <dd>{t("recall.page.openedValue", { name: recall.openedByName, at: formatDateTime(recall.openedAt, locale) })}</dd>
        <dt>{t("recall.page.lot")}</dt>
        <dd>
          <Link to={`/inspect/lots/${lot.id}`} className="mono">
            {lot.lotCode}
          </Link>
          {lot.gtin ? <span className="meta mono"> · {lot.gtin}</span> : null}
          {tracePath ? (
            <>
              {" · "}
              <a href={tracePath}>{t("inspect.lot.tracePage")}</a>
            </>
          ) : null}
        </dd>
        <dt>{t("inspect.lot.producer")}</dt>
        <dd>
          {lot.producerZh} <span className="meta mono">{lot.creditCode}</span>
        </dd>
      </dl>

      <p className="button-row">
        <a className="button primary" href={`/inspect/recalls/${recall.id}/report.csv`} download>
          {t("recall.page.download")}
        </a>
      </p>
      <p className="hint">{t("recall.page.downloadHint")}</p>

      {recall.closedAt ? (
        <p className="notice" data-testid="recall-closed">
          {t("recall.close.closed", { at: formatDateTime(recall.closedAt, locale), name: recall.closedByName ?? "", note: recall.closeNote ?? "" })}
        </p>
      ) : null}

      <h2>{t("recall.progress.title")}</h2>
      {progress.byPoint.length ? (
        <div className="table-wrap">
          <table data-testid="recall-progress">
            <thead>
              <tr>
                <th>{t("recall.progress.point")}</th>
                <th>{t("recall.progress.held")}</th>
                <th>{t("recall.progress.quarantined")}</th>
                <th>{t("recall.progress.returned")}</th>
                <th>{t("recall.progress.destroyed")}</th>
              </tr>
            </thead>
            <tbody>
              {progress.byPoint.map((p) => (
                <tr key={p.pointId}>
                  <td>{p.pointName}</td>
                  <td>{p.held}</td>
                  <td>{p.quarantined}</td>
                  <td>{p.returned}</td>
                  <td>{p.destroyed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="meta">{t("recall.progress.none")}</p>
      )}
      <p data-testid="producer-stock">
        {t("recall.progress.stock", {
          harvested: progress.producerStock.harvested ?? "—",
          sold: progress.producerStock.sold,
          unsold: progress.producerStock.unsold ?? "—",
          listed: progress.producerStock.listed,
          destroyed: progress.producerStock.destroyed,
        })}
      </p>
      {recall.closedAt == null ? (
        <Form method="post" className="form panel">
          <input type="hidden" name="intent" value="stockDestroyed" />
          <div className="field">
            <label htmlFor="stock-quantity">{t("recall.progress.quantity")}</label>
            <input id="stock-quantity" name="quantity" type="number" inputMode="numeric" min={1} required />
          </div>
          <div className="field">
            <label htmlFor="stock-note">{t("recall.progress.note")}</label>
            <input id="stock-note" name="note" maxLength={200} />
          </div>
          <button type="submit" className="secondary">
            {t("recall.progress.stockDestroy")}
          </button>
        </Form>
      ) : null}

      <h2>{t("recall.refunds.title")}</h2>
      <p data-testid="recall-refunds">{t("recall.refunds.summary", refunds)}</p>
      {refunds.failed > 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="refunds" />
          <button type="submit" className="secondary">
            {t("recall.refunds.retry")}
          </button>
        </Form>
      ) : null}

      <h2>{t("recall.page.orders")}</h2>
      <AffectedTotals affected={affected} />
      <AffectedOrders affected={affected} />

      <h2>{t("recall.page.buyers")}</h2>
      <AffectedBuyers affected={affected} />

      <h2>{t("recall.page.deliveryPoints")}</h2>
      <AffectedDeliveryPoints affected={affected} />

      <h2>{t("recall.page.listings")}</h2>
      <AffectedListings affected={affected} />

      <h2>{t("recall.history.title")}</h2>
      <ul data-testid="recall-history">
        {history.map((h) => (
          <li key={h.id}>
            {h.id === recall.id ? <strong>#{h.id}</strong> : <Link to={`/inspect/recalls/${h.id}`}>#{h.id}</Link>} · {formatDateTime(h.openedAt, locale)} ·{" "}
            {t(`recall.grade.${h.grade}` as MessageKey)} · <span className="mono">{h.lotCode}</span> · {h.reason} ·{" "}
            {h.closedAt ? t("recall.history.closed") : t("recall.history.open")}
          </li>
        ))}
      </ul>

      {recall.closedAt == null ? (
        <Form method="post" className="form panel" aria-labelledby="close-heading">
          <h2 id="close-heading">{t("recall.close.title")}</h2>
          <input type="hidden" name="intent" value="close" />
          <div className="field">
            <label htmlFor="close-note">{t("recall.close.note")}</label>
            <textarea id="close-note" name="note" rows={3} maxLength={1000} required />
          </div>
          <button type="submit" className="primary">
            {t("recall.close.submit")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
