import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { shanghaiDate } from "../../core/clock";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { listActorBatches, verifyLot } from "~/traceability.server";
import { VerifyBadge } from "~/traceability-ui/components";
import { verificationView } from "~/traceability-ui/lot-view.server";
import traceStyles from "~/traceability-ui/trace-ui.css";
import { getLocale } from "~/utils/i18n.server";
import { CROPS } from "../../traceability/crops";

export const meta: MetaFunction = () => [{ title: "批次溯源 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const locale = getLocale(request);
  const lots = listActorBatches(db, user).map((b) => ({
    ...b,
    harvestedOn: b.harvestedAt ? shanghaiDate(b.harvestedAt) : null,
    verification: verificationView(verifyLot(db, b.id), locale),
  }));
  return { lots, hasProducer: user.producerIds.length > 0 };
}

const STATUS_BADGE: Record<string, string> = { growing: "badge muted", harvested: "badge warn", packed: "badge", recalled: "badge danger" };

export default function BatchesRoute() {
  const t = useT();
  const locale = useLocale();
  const { lots, hasProducer } = useLoaderData<typeof loader>();
  return (
    <section className="tf-page">
      <p>
        <Link to="/farm">← {t("farm.backToFarm")}</Link>
      </p>
      <h1>{t("farmTrace.batches.title")}</h1>
      <p className="hint">{t("farmTrace.batches.lead")}</p>
      {hasProducer ? (
        <div className="tf-actions">
          <Link to="/farm/batches/new" className="button">
            ＋ {t("farmTrace.batches.new")}
          </Link>
          <Link to="/farm/plots" className="button secondary">
            {t("farmTrace.plots.title")}
          </Link>
        </div>
      ) : lots.length === 0 ? (
        <p className="warning">
          {t("farm.noProducer")} <Link to="/farm/producers/new">{t("farm.registerProducer")}</Link>
        </p>
      ) : null}
      {lots.length === 0 ? (
        <p className="hint">{t("farmTrace.batches.empty")}</p>
      ) : (
        <ul className="tf-list">
          {lots.map((lot) => {
            const crop = lot.crop ? CROPS[lot.crop] : undefined;
            return (
              <li key={lot.id} className="tf-item">
                <Link to={`/farm/batches/${lot.id}`} className="tf-item-link">
                  <span className="title">
                    {pick(locale, lot.productNameZh, lot.productNameEn)}
                    {crop ? ` · ${pick(locale, crop.zh, crop.en)}` : lot.crop ? ` · ${lot.crop}` : ""}
                  </span>
                  <span className="tf-lot">{t("farmTrace.lotLabel", { lot: lot.lotCode })}</span>
                  {lot.gtin ? <span className="tf-gtin">GTIN {lot.gtin}</span> : null}
                  <span>
                    <span className={STATUS_BADGE[lot.status] ?? "badge muted"}>{t(`farmTrace.status.${lot.status}` as MessageKey)}</span>{" "}
                    <VerifyBadge verification={lot.verification} />
                  </span>
                  <span className="meta">
                    {lot.harvestedOn ? t("farmTrace.batches.harvestedOn", { date: lot.harvestedOn }) : t("farmTrace.batches.notHarvested")}
                    {lot.quantity !== null && lot.unit ? ` · ${lot.quantity} ${t(`unit.${lot.unit}`)}` : ""}
                    {lot.plotName ? ` · ${lot.plotName}` : ""}
                    {lot.householdName ? ` · ${t("tracePage.household", { household: lot.householdName })}` : ""}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
