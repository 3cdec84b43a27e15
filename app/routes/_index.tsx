import type { MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ListingGrid } from "~/components/listing-card";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getHomePage } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import type { PageHandle } from "~/root";

/** Links and listings only: plain HTML, no script on a first visit from a phone (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "app.tagline");

export async function loader() {
  return getHomePage(getDb());
}

export default function Index() {
  const t = useT();
  const locale = useLocale();
  const { categories, featuredVillages, newestListings, totalListings } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="home-hero">
        <h1>{t("app.tagline")}</h1>
        <p className="meta">{t("storefront.homeLead")}</p>
        <Form method="get" action="/listings" className="search-bar" role="search">
          <label htmlFor="home-q" className="sr-only">
            {t("storefront.searchLabel")}
          </label>
          <input id="home-q" type="search" name="q" placeholder={t("common.searchPlaceholder")} maxLength={100} />
          <button type="submit" className="primary">
            {t("common.search")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="home-categories">
        <h2 id="home-categories">{t("storefront.categories")}</h2>
        <ul className="chips">
          {categories.map((c) => (
            <li key={c.slug}>
              <Link to={`/listings?category=${c.slug}`}>{t("storefront.categoryCount", { name: pick(locale, c.name.zh, c.name.en), count: c.count })}</Link>
            </li>
          ))}
        </ul>
      </section>

      {featuredVillages.length ? (
        <section aria-labelledby="home-villages">
          <div className="section-head">
            <h2 id="home-villages">{t("storefront.featuredVillages")}</h2>
            <Link to="/villages">{t("storefront.allVillages")}</Link>
          </div>
          <p className="meta">{t("storefront.featuredVillagesLead")}</p>
          <ul className="village-list">
            {featuredVillages.map((v) => (
              <li key={v.id}>
                <Link to={`/villages/${v.id}`} className="village-tile">
                  <strong>{pick(locale, v.name.zh, v.name.en)}</strong>
                  <span className="badge">{pick(locale, v.signatureProduct.zh, v.signatureProduct.en)}</span>
                  <span className="meta">
                    {pick(locale, v.province.zh, v.province.en)} · {pick(locale, v.county.zh, v.county.en)}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="home-newest">
        <div className="section-head">
          <h2 id="home-newest">{t("storefront.newest")}</h2>
          {totalListings ? <Link to="/listings">{t("storefront.seeAll")}</Link> : null}
        </div>
        {newestListings.length ? <ListingGrid cards={newestListings} /> : <p className="notice">{t("storefront.emptyMarket")}</p>}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
