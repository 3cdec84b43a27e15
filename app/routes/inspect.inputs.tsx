/**
 * /inspect/inputs: the inspector's input-batch trace (issue 12 §4, a pesticide recall). Search by
 * registration number or the maker's batch number (a GET form); each matching input lot lists
 * the farms that bought it, how much and when, what is left, and the lots they applied it to.
 * Read-only; inspectors and platform admins.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { PageHandle } from "~/root";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { formatDate } from "~/inspect/format";
import { getDb } from "~/utils/db.server";
import { load } from "~/utils/http.server";
import { requireRole } from "~/utils/session.server";
import { traceInputLots } from "~/market.server";
import { InputTraceSearchSchema } from "~/inputs-market/schemas";

/** Links and GET forms only: the page needs no script (a weak network in the field). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = () => [{ title: "农资批次追溯 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "inspector", "platform_admin");
  const url = new URL(request.url);
  const parsed = InputTraceSearchSchema.safeParse({ q: url.searchParams.get("q") ?? undefined });
  const q = parsed.success ? (parsed.data.q ?? "") : "";
  const lots = q ? await load(() => traceInputLots(getDb(), user, q)) : null;
  return { q, lots };
}

export default function InspectInputsRoute() {
  const t = useT();
  const locale = useLocale();
  const { q, lots } = useLoaderData<typeof loader>();
  return (
    <section className="page">
      <h1>{t("inputsMarket.trace.title")}</h1>
      <p className="hint">{t("inputsMarket.trace.lead")}</p>
      <Form method="get" className="form filters" role="search">
        <div className="field">
          <label htmlFor="input-trace-q">{t("inputsMarket.trace.search")}</label>
          <input id="input-trace-q" type="search" name="q" defaultValue={q} maxLength={60} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="primary">
            {t("inputsMarket.trace.submit")}
          </button>
        </div>
      </Form>
      {lots === null ? null : lots.length === 0 ? (
        <p className="empty" role="status">
          {t("inputsMarket.trace.none", { q })}
        </p>
      ) : (
        lots.map((lot) => (
          <article key={lot.inputLotId} className="card" data-testid="input-lot">
            <h2>
              {pick(locale, lot.nameZh, lot.nameEn)} · {t("inputsMarket.stock.lot", { lot: lot.makerLotNo, expires: lot.expiresOn })}
            </h2>
            <p className="meta">
              {t(`farmTrace.agriKind.${lot.kind}` as "farmTrace.agriKind.pesticide")}
              {lot.registrationNo ? ` · ${lot.registrationNo}` : ""} · {t("inputsMarket.trace.seller", { name: lot.sellerNameZh })} ·{" "}
              {t("inputsMarket.trace.produced", { date: lot.producedOn })}
            </p>
            {lot.buyers.length === 0 ? (
              <p className="empty">{t("inputsMarket.trace.noFarms")}</p>
            ) : (
              <ul className="list">
                {lot.buyers.map((f) => (
                  <li key={`${f.orderId}-${f.producerId ?? 0}`} data-testid="input-lot-farm">
                    <strong>{f.farmNameZh ?? t("inputsMarket.trace.noFarm", { name: f.buyerName })}</strong> · {f.contactPhone} ·{" "}
                    {t("inputsMarket.trace.bought", {
                      quantity: f.quantity,
                      unit: t(`unit.${f.unit}` as "unit.jin"),
                      date: formatDate(f.boughtAt, locale),
                      orderId: f.orderId,
                    })}{" "}
                    · {t(`orders.status.${f.orderStatus}` as "orders.status.paid")}
                    {f.left !== null ? <> · {t("inputsMarket.trace.left", { left: f.left })}</> : null}
                    {f.voidedQuantity !== null ? <> · {t("inputsMarket.trace.voided", { quantity: f.voidedQuantity })}</> : null}
                    {f.applications.length ? (
                      <ul>
                        {f.applications.map((a) => (
                          <li key={`${a.batchId}-${a.eventSeq}`} data-testid="input-lot-application">
                            {t("inputsMarket.trace.applied", { quantity: a.quantity, date: formatDate(a.at, locale) })}{" "}
                            <Link to={`/inspect/lots/${a.batchId}`}>{a.lotCode}</Link>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="meta"> · {t("inputsMarket.trace.notApplied")}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </article>
        ))
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
