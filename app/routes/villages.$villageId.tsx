import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { PagedListingSection } from "~/components/listing-card";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getVillagePage } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import type { PageHandle } from "~/root";

const ParamsSchema = z.object({ villageId: z.coerce.number().int().positive().max(2_147_483_647) });
const PageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

/** Plain HTML, no script (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => (data ? pageTitle(matches, data.village.name) : pageTitle(matches, "error.notFound"));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  const page = PageSchema.parse(new URL(request.url).searchParams.get("page") ?? undefined);
  const data = getVillagePage(getDb(), parsed.data.villageId, page);
  if (!data) throw new Response("error.notFound", { status: 404 });
  return data;
}

export default function VillagePage() {
  const t = useT();
  const locale = useLocale();
  const { village, producers, listings } = useLoaderData<typeof loader>();
  const description = pick(locale, village.description.zh, village.description.en);
  return (
    <article>
      <nav aria-label={t("storefront.breadcrumb")} className="breadcrumbs">
        <Link to="/villages">{t("storefront.villagesTitle")}</Link>
        <span aria-hidden="true"> / </span>
        <span>{pick(locale, village.province.zh, village.province.en)}</span>
      </nav>
      <header className="village-hero">
        <h1>{pick(locale, village.name.zh, village.name.en)}</h1>
        <p className="meta">{[village.province, village.county, village.township].map((r) => pick(locale, r.zh, r.en)).join(" · ")}</p>
        <p>
          <span className="badge">{t("storefront.signatureBadge", { product: pick(locale, village.signatureProduct.zh, village.signatureProduct.en) })}</span>
          {village.signatureCategory ? (
            <Link to={`/listings?category=${village.signatureCategory.slug}&village=${village.id}`}>
              {pick(locale, village.signatureCategory.name.zh, village.signatureCategory.name.en)}
            </Link>
          ) : null}
        </p>
        {description ? <p className="prewrap">{description}</p> : null}
      </header>

      <section aria-labelledby="village-producers">
        <h2 id="village-producers">{t("storefront.villageProducers")}</h2>
        {producers.length ? (
          <ul className="producer-list">
            {producers.map((p) => (
              <li key={p.id} className="panel">
                <Link to={`/producers/${p.id}`}>{pick(locale, p.name.zh, p.name.en)}</Link>
                <span>
                  <span className="badge muted">{t(`producerKind.${p.kind}` as const)}</span>
                  {p.verified ? <span className="badge">✓ {t("storefront.verified")}</span> : null}
                </span>
                <span className="meta">{t("storefront.listingCount", { count: p.listingCount })}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="meta">{t("storefront.noVillageProducers")}</p>
        )}
      </section>

      <PagedListingSection id="village-listings" title={t("storefront.villageListings")} listings={listings} />
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
