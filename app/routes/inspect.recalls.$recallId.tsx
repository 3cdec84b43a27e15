/**
 * /inspect/recalls/:recallId: a recall — reason, lot, every affected order, buyer, delivery point
 * and listing — with the CSV report download. Inspectors and platform admins only.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useLocale, useT } from "~/i18n/react";
import { AffectedBuyers, AffectedDeliveryPoints, AffectedListings, AffectedOrders, AffectedTotals } from "~/inspect/components";
import { formatDateTime } from "~/inspect/format";
import { recallView } from "~/inspect/inspect.server";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data && "lot" in data ? `召回 ${data.lot.lotCode}` : "召回"} · 村品` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "inspector", "platform_admin");
  const id = z.coerce.number().int().positive().safeParse(params.recallId);
  if (!id.success) throw new Response("error.notFound", { status: 404 });
  const view = recallView(getDb(), id.data);
  if (!view) throw new Response("error.notFound", { status: 404 });
  return view;
}

export default function RecallRoute() {
  const t = useT();
  const locale = useLocale();
  const { recall, lot, tracePath, chainRecorded, affected } = useLoaderData<typeof loader>();
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

      <dl className="kv panel">
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

      <h2>{t("recall.page.orders")}</h2>
      <AffectedTotals affected={affected} />
      <AffectedOrders affected={affected} />

      <h2>{t("recall.page.buyers")}</h2>
      <AffectedBuyers affected={affected} />

      <h2>{t("recall.page.deliveryPoints")}</h2>
      <AffectedDeliveryPoints affected={affected} />

      <h2>{t("recall.page.listings")}</h2>
      <AffectedListings affected={affected} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
