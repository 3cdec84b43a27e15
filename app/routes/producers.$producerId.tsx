import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { PagedListingSection } from "~/components/listing-card";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getProducerCredit, getProducerPage, getProducerVerification, producerRating, producerRatingComments } from "~/market.server";
import { CreditPanel } from "~/credit-ui/credit-panel";
import { shanghaiDate } from "../../core/clock";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import type { PageHandle } from "~/root";

const ParamsSchema = z.object({ producerId: z.coerce.number().int().positive().max(2_147_483_647) });
const PageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

/** Plain HTML, no script (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => (data ? pageTitle(matches, data.producer.name) : pageTitle(matches, "error.notFound"));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  const page = PageSchema.parse(new URL(request.url).searchParams.get("page") ?? undefined);
  const data = getProducerPage(getDb(), parsed.data.producerId, page);
  if (!data) throw new Response("error.notFound", { status: 404 });
  return {
    ...data,
    rating: producerRating(getDb(), parsed.data.producerId), // rating: W1
    comments: producerRatingComments(getDb(), parsed.data.producerId).map((c) => ({ ...c, dateText: shanghaiDate(c.createdAt) })),
    // Credit (issue 12 §2): a stale score is recomputed here before it is shown.
    credit: getProducerCredit(getDb(), parsed.data.producerId),
    verification: getProducerVerification(getDb(), parsed.data.producerId),
  };
}

export default function ProducerPage() {
  const t = useT();
  const locale = useLocale();
  const { producer, listings, rating, comments, credit, verification } = useLoaderData<typeof loader>();
  const description = pick(locale, producer.description.zh, producer.description.en);
  return (
    <article>
      <header className="village-hero">
        <h1>{pick(locale, producer.name.zh, producer.name.en)}</h1>
        <p>
          <span className="badge muted">{t(`producerKind.${producer.kind}` as const)}</span>
          {producer.verified ? (
            <span className="badge" title={t("storefront.verifiedHint")}>
              ✓ {t("storefront.verified")}
            </span>
          ) : (
            <span className="badge warn">{t("storefront.unverified")}</span>
          )}
          {verification.licenceStatus === "approved" ? <span className="badge">✓ {t("credit.licenceBadge")}</span> : null}
          {verification.povertyAlleviation ? (
            <span className="badge poverty" title={t("credit.povertyHint")} data-testid="poverty-badge">
              {t("credit.povertyBadge")}
            </span>
          ) : null}
        </p>
        {/* ── ratings (W1) ── */}
        <p data-testid="producer-rating">
          {rating.count > 0 ? t("ratings.summary", { average: rating.average!.toFixed(1), count: rating.count }) : t("ratings.none")}
        </p>
        {/* ── end ratings ── */}
        <dl className="kv">
          <dt>{t("storefront.creditCode")}</dt>
          <dd className="mono">{producer.creditCode}</dd>
          {verification.licenceStatus === "approved" && verification.legalRepName ? (
            <>
              <dt>{t("credit.legalRep")}</dt>
              <dd>{verification.legalRepName}</dd>
            </>
          ) : null}
          <dt>{t("storefront.location")}</dt>
          <dd>
            {[producer.province, producer.county, producer.township]
              .filter((r): r is NonNullable<typeof r> => r != null)
              .map((r) => pick(locale, r.zh, r.en))
              .join(" · ")}
          </dd>
          {producer.village ? (
            <>
              <dt>{t("storefront.village")}</dt>
              <dd>
                <Link to={`/villages/${producer.village.id}`}>{pick(locale, producer.village.name.zh, producer.village.name.en)}</Link>
                {producer.village.signatureProduct.zh ? (
                  <>
                    {" "}
                    <span className="badge">
                      {t("storefront.signatureBadge", {
                        product: pick(locale, producer.village.signatureProduct.zh, producer.village.signatureProduct.en),
                      })}
                    </span>
                  </>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
        {description ? <p className="prewrap">{description}</p> : null}
      </header>

      <CreditPanel score={credit.score} components={credit.components} />

      <PagedListingSection id="producer-listings" title={t("storefront.producerListings")} listings={listings} />

      {rating.count > 0 ? (
        <section aria-labelledby="reviews-heading" data-testid="producer-reviews">
          <h2 id="reviews-heading">{t("ratingsView.title")}</h2>
          {comments.length === 0 ? <p className="meta">{t("ratingsView.none")}</p> : null}
          <ul style={{ listStyle: "none", padding: 0, display: "grid", gap: "0.5rem" }}>
            {comments.map((c, i) => (
              <li key={i} className="panel" data-testid="review">
                <p className="meta">
                  {"★".repeat(c.stars)}
                  {"☆".repeat(5 - c.stars)} <span className="sr-only">{t("ratingsView.stars", { stars: c.stars })}</span> · {c.dateText}
                </p>
                {c.body ? <p className="prewrap">{c.body}</p> : null}
                {c.photos.length ? (
                  <p className="review-photos">
                    {c.photos.map((url) => (
                      <a key={url} href={url}>
                        <img src={url} alt={t("ratingsView.photoAlt")} width={96} height={96} loading="lazy" style={{ objectFit: "cover" }} />
                      </a>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
