/** GET /admin/reports — per producer: sales, refunds, payouts and delivery in the chosen range (same filter and scope as /admin/stats). */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { producerReport } from "~/oversight.server";
import type { PageHandle } from "~/root";
import { filterQuery } from "~/stats/filter";
import { StatsFilterForm } from "~/stats/filter-form";
import { StatsTable } from "~/stats/stats-table";
import { filterOptions, statsRequest } from "~/stats/stats.server";
import { getDb } from "~/utils/db.server";
import { load } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const handle: PageHandle = { hydrate: false };
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "reports.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector", "county_official");
  return load(() => {
    const { filter, invalid, scope, lockedCounty } = statsRequest(request, user);
    return { filter, invalid, lockedCounty, options: filterOptions(scope), producers: producerReport(getDb(), scope) };
  });
}

export default function ReportsPage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("reports.title")}</h1>
      <p className="meta">{t("reports.intro")}</p>
      <StatsFilterForm action="/admin/reports" filter={d.filter} options={d.options} lockedCounty={d.lockedCounty} invalid={d.invalid} />
      <section className="stats-section" aria-labelledby="reports-producers">
        <h2 id="reports-producers">{t("reports.section.producers")}</h2>
        <StatsTable
          name="producers"
          rows={d.producers}
          csvHref={`/admin/stats/producers.csv?${filterQuery(d.filter)}`}
          caption={t("reports.section.producers")}
        />
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
