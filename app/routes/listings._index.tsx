import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ListingGrid } from "~/components/listing-card";
import { Pagination } from "~/components/pagination";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getFilterOptions, searchListings } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { CATEGORY_SLUGS, CERTIFICATION_KINDS, PRODUCER_KINDS } from "../../db/enums";
import type { PageHandle } from "~/root";

/** The choices of the 信用 ≥ N filter. */
const CREDIT_FILTER_STEPS = [60, 70, 80, 90] as const;

// Every field falls back to "not set" rather than failing: a hand-edited or stale URL
// (page=abc, category=bogus) shows the unfiltered market instead of an error.
const optionalId = z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined);
const BrowseSchema = z.object({
  q: z
    .string()
    .optional()
    .transform((s) => s?.trim().slice(0, 100) || undefined)
    .catch(undefined),
  category: z.enum(CATEGORY_SLUGS).optional().catch(undefined),
  province: optionalId,
  county: optionalId,
  village: optionalId,
  kind: z.enum(PRODUCER_KINDS).optional().catch(undefined),
  cert: z.enum(CERTIFICATION_KINDS).optional().catch(undefined),
  // Credit (issue 12 §2): 信用 ≥ N, 帮扶 producers only, 信用优先.
  // The form sends minCredit="" for "any": not 0, which would drop producers without a score.
  minCredit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(100).optional()).catch(undefined),
  poverty: z
    .literal("1")
    .optional()
    .catch(undefined)
    .transform((v) => (v ? true : undefined)),
  sort: z.enum(["newest", "credit"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
type Browse = z.infer<typeof BrowseSchema>;

/** The market: a GET form for search and filters, links to listings; plain HTML, no script (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data?.filters.q ? pageTitle(matches, "storefront.searchResultsFor", { q: data.filters.q }) : pageTitle(matches, "storefront.browseTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const filters = BrowseSchema.parse(Object.fromEntries(url.searchParams));
  const db = getDb();
  return { filters, result: searchListings(db, filters), options: getFilterOptions(db) };
}

/** /listings?… with the given filters, dropping empty values and the page number. */
function browseHref(filters: Partial<Browse>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (key !== "page" && value !== undefined && value !== "") params.set(key, value === true ? "1" : String(value));
  }
  const qs = params.toString();
  return qs ? `/listings?${qs}` : "/listings";
}

export default function BrowseListings() {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const { filters, result, options } = useLoaderData<typeof loader>();
  const activeFilters = (["category", "province", "county", "village", "kind", "cert", "minCredit", "poverty", "sort"] as const).filter(
    (k) => filters[k] !== undefined,
  ).length;
  const category = options.categories.find((c) => c.slug === filters.category);
  const heading = filters.q
    ? t("storefront.searchResultsFor", { q: filters.q })
    : category
      ? pick(locale, category.name.zh, category.name.en)
      : t("storefront.browseTitle");

  return (
    <section>
      <h1>{heading}</h1>
      {/* Keyed by the URL so that the uncontrolled fields show the current filters after navigation. */}
      <Form method="get" action="/listings" key={location.search} role="search">
        <div className="search-bar">
          <label htmlFor="browse-q" className="sr-only">
            {t("storefront.searchLabel")}
          </label>
          <input id="browse-q" type="search" name="q" defaultValue={filters.q ?? ""} placeholder={t("common.searchPlaceholder")} maxLength={100} />
          <button type="submit" className="primary">
            {t("common.search")}
          </button>
        </div>
        <details className="filters" open={activeFilters > 0}>
          <summary>{activeFilters ? t("storefront.filtersActive", { count: activeFilters }) : t("storefront.filters")}</summary>
          <div className="form">
            <div className="field">
              <label htmlFor="f-category">{t("storefront.filter.category")}</label>
              <select id="f-category" name="category" defaultValue={filters.category ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {options.categories.map((c) => (
                  <option key={c.slug} value={c.slug}>
                    {pick(locale, c.name.zh, c.name.en)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-province">{t("storefront.filter.province")}</label>
              <select id="f-province" name="province" defaultValue={filters.province ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {options.provinces.map((p) => (
                  <option key={p.id} value={p.id}>
                    {pick(locale, p.name.zh, p.name.en)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-county">{t("storefront.filter.county")}</label>
              <select id="f-county" name="county" defaultValue={filters.county ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {options.provinces.map((p) => (
                  <optgroup key={p.id} label={pick(locale, p.name.zh, p.name.en)}>
                    {p.counties.map((c) => (
                      <option key={c.id} value={c.id}>
                        {pick(locale, c.name.zh, c.name.en)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-village">{t("storefront.filter.village")}</label>
              <select id="f-village" name="village" defaultValue={filters.village ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {options.provinces.flatMap((p) =>
                  p.counties
                    .filter((c) => c.villages.length)
                    .map((c) => (
                      <optgroup key={c.id} label={pick(locale, c.name.zh, c.name.en)}>
                        {c.villages.map((v) => (
                          <option key={v.id} value={v.id}>
                            {pick(locale, v.name.zh, v.name.en)}
                          </option>
                        ))}
                      </optgroup>
                    )),
                )}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-kind">{t("storefront.filter.kind")}</label>
              <select id="f-kind" name="kind" defaultValue={filters.kind ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {PRODUCER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`producerKind.${k}` as const)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-cert">{t("storefront.filter.cert")}</label>
              <select id="f-cert" name="cert" defaultValue={filters.cert ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {CERTIFICATION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`cert.${k}` as const)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-min-credit">{t("credit.filter.min")}</label>
              <select id="f-min-credit" name="minCredit" defaultValue={filters.minCredit ?? ""}>
                <option value="">{t("storefront.filter.any")}</option>
                {CREDIT_FILTER_STEPS.map((n) => (
                  <option key={n} value={n}>
                    {t("credit.filter.atLeast", { n })}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-sort">{t("credit.filter.sort")}</label>
              <select id="f-sort" name="sort" defaultValue={filters.sort ?? ""}>
                <option value="">{t("credit.sort.newest")}</option>
                <option value="credit">{t("credit.sort.credit")}</option>
              </select>
            </div>
            <div className="field">
              <label>
                <input type="checkbox" name="poverty" value="1" defaultChecked={filters.poverty === true} /> {t("credit.filter.poverty")}
              </label>
            </div>
            <div className="button-row filter-actions">
              <button type="submit" className="primary">
                {t("storefront.applyFilters")}
              </button>
              {activeFilters ? (
                <Link className="button secondary" to={browseHref({ q: filters.q })}>
                  {t("storefront.clearFilters")}
                </Link>
              ) : null}
            </div>
          </div>
        </details>
      </Form>

      <ul className="chips" aria-label={t("storefront.filter.category")}>
        <li>
          <Link to={browseHref({ ...filters, category: undefined })} aria-current={filters.category ? undefined : "true"}>
            {t("common.all")}
          </Link>
        </li>
        {options.categories.map((c) => (
          <li key={c.slug}>
            <Link to={browseHref({ ...filters, category: c.slug })} aria-current={filters.category === c.slug ? "true" : undefined}>
              {pick(locale, c.name.zh, c.name.en)}
            </Link>
          </li>
        ))}
      </ul>

      <p className="meta" role="status">
        {t(result.totalCapped ? "storefront.resultCountCapped" : "storefront.resultCount", { count: result.total })}
      </p>
      {result.items.length ? (
        <ListingGrid cards={result.items} />
      ) : (
        <div className="notice">
          <p>{t("storefront.noResults")}</p>
          <p className="hint">{t("storefront.noResultsHint")}</p>
        </div>
      )}
      <Pagination page={result.page} pages={result.pages} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
