import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { listVillages } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import type { PageHandle } from "~/root";

/** Plain HTML, no script (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "storefront.villagesTitle");

export async function loader() {
  return { groups: listVillages(getDb()) };
}

export default function VillagesPage() {
  const t = useT();
  const locale = useLocale();
  const { groups } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("storefront.villagesTitle")}</h1>
      <p className="meta">{t("storefront.villagesLead")}</p>
      {groups.length === 0 ? <p className="notice">{t("storefront.noVillages")}</p> : null}
      {groups.map((g) => (
        <section key={g.province.id} aria-labelledby={`province-${g.province.id}`}>
          <h2 id={`province-${g.province.id}`}>{pick(locale, g.province.name.zh, g.province.name.en)}</h2>
          <ul className="village-list">
            {g.villages.map((v) => (
              <li key={v.id}>
                <Link to={`/villages/${v.id}`} className="village-tile">
                  <strong>{pick(locale, v.name.zh, v.name.en)}</strong>
                  <span className="badge">{pick(locale, v.signatureProduct.zh, v.signatureProduct.en)}</span>
                  <span className="meta">
                    {pick(locale, v.county.zh, v.county.en)} · {t("storefront.producerCount", { count: v.producerCount })}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
