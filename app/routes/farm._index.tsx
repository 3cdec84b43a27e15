import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getFarmOverview, photoUrl } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import type { PageHandle } from "~/root";

/** An overview of links and figures: plain HTML, no script on a farmer's phone (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = () => [{ title: "我的农场 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const { producers, listings } = getFarmOverview(getDb(), user);
  return {
    producers,
    listings: listings.map(({ photoKey, ...l }) => ({ ...l, photoUrl: photoKey ? photoUrl(photoKey) : null })),
  };
}

const STATUS_BADGE = { published: "badge", paused: "badge warn", draft: "badge muted", recalled: "badge danger" } as const;
const PRODUCER_BADGE: Record<string, string> = {
  valid: "badge",
  approved: "badge",
  pending_review: "badge warn",
  rejected: "badge muted",
};

export default function FarmRoute() {
  const t = useT();
  const locale = useLocale();
  const { producers, listings } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const registered = searchParams.get("registered");

  return (
    <section>
      <h1>{t("farm.title")}</h1>
      {registered === "valid" ? (
        <p className="notice" role="status">
          {t("farm.notice.producerRegistered")}
        </p>
      ) : registered === "pending_review" ? (
        <p className="warning" role="status">
          {t("farm.notice.producerPending")}
        </p>
      ) : null}

      {producers.length === 0 ? (
        <div className="panel">
          <h2>{t("farm.noProducerTitle")}</h2>
          <p>{t("farm.noProducer")}</p>
          <Link to="/farm/producers/new" className="button">
            {t("farm.registerProducer")}
          </Link>
        </div>
      ) : (
        <>
          <div className="button-row">
            <Link to="/farm/listings/new" className="button">
              ＋ {t("farm.newListing")}
            </Link>
            <Link to="/farm/orders" className="button secondary">
              {t("farmOrders.title")}
            </Link>
            <Link to="/farm/batches" className="button secondary">
              {t("farmTrace.batches.title")}
            </Link>
            <Link to="/farm/plots" className="button secondary">
              {t("farmTrace.plots.title")}
            </Link>
            <Link to="/farm/producers/new" className="button secondary">
              {t("farm.registerProducer")}
            </Link>
          </div>
          {producers.map((producer) => {
            const own = listings.filter((l) => l.producerId === producer.id);
            return (
              <section key={producer.id} className="farm-producer" aria-labelledby={`producer-${producer.id}`}>
                <h2 id={`producer-${producer.id}`}>
                  {pick(locale, producer.nameZh, producer.nameEn)}{" "}
                  <span className={PRODUCER_BADGE[producer.creditCodeStatus] ?? "badge muted"}>
                    {t(`farm.producerStatus.${producer.creditCodeStatus}` as MessageKey)}
                  </span>
                </h2>
                <p className="meta">
                  {t(`producerKind.${producer.kind}` as MessageKey)} · {t("farm.listingCount", { count: own.length })}
                </p>
                {producer.creditCodeStatus === "rejected" ? <p className="warning">{t("farm.producerStatus.rejectedHint")}</p> : null}
                {own.length === 0 ? (
                  <p className="hint">{t("farm.noListings")}</p>
                ) : (
                  <ul className="farm-listings">
                    {own.map((l) => (
                      <li key={l.id} className="farm-listing">
                        {l.photoUrl ? (
                          <img src={l.photoUrl} alt="" width={96} height={72} loading="lazy" />
                        ) : (
                          <span className="farm-listing-nophoto">{t("farm.noPhoto")}</span>
                        )}
                        <div className="farm-listing-body">
                          <div className="title">{l.title}</div>
                          <div>
                            <span className={STATUS_BADGE[l.status]}>{t(`status.${l.status}`)}</span>
                            <span className="price">
                              {t("price.per", { price: formatFen(l.priceFen), unit: t(`unit.${l.unit}`) })}
                            </span>
                          </div>
                          <div className="meta">
                            {t(`category.${l.categorySlug}` as MessageKey)} · {l.productName} · {t("farm.stockLabel", { stock: l.stock })}
                          </div>
                        </div>
                        <div className="farm-listing-actions">
                          <Link to={`/farm/listings/${l.id}/edit`} className="button secondary">
                            {t("farm.edit")}
                          </Link>
                          {l.status === "published" ? <Link to={`/listings/${l.id}`}>{t("farm.view")}</Link> : null}
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
