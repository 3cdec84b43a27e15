/**
 * GET /admin/stats — 电子商务统计监测 (issue 12 §1): platform admins and inspectors see every
 * region; a county official its own county (asking for another is 403). Server-rendered SVG
 * charts with a table under each and a CSV download per table; plain HTML, no script.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatFen } from "../../core/money";
import { BarChart, ColumnChart } from "~/components/svg-chart";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { statisticsPage } from "~/oversight.server";
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
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "stats.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector", "county_official");
  return load(() => {
    const { filter, invalid, scope, lockedCounty } = statsRequest(request, user);
    return { filter, invalid, lockedCounty, options: filterOptions(scope), ...statisticsPage(getDb(), scope) };
  });
}

const pctText = (v: number) => `${v}%`;

export default function StatisticsPage() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const q = filterQuery(d.filter);
  const csv = (name: string) => `/admin/stats/${name}.csv?${q}`;
  const money = (fen: number) => formatFen(Math.round(fen));
  return (
    <section>
      <h1>{t("stats.title")}</h1>
      <p className="meta">{t("stats.intro")}</p>
      <StatsFilterForm action="/admin/stats" filter={d.filter} options={d.options} lockedCounty={d.lockedCounty} invalid={d.invalid} />

      <section className="stats-section" aria-labelledby="stats-totals">
        <h2 id="stats-totals">{t("stats.totals")}</h2>
        <dl className="stats-totals kv">
          <div>
            <dt>{t("stats.col.net")}</dt>
            <dd data-total="net">{formatFen(d.totals.netFen)}</dd>
          </div>
          <div>
            <dt>{t("stats.col.orders")}</dt>
            <dd data-total="orders">{d.totals.orders}</dd>
          </div>
          <div>
            <dt>{t("stats.col.buyers")}</dt>
            <dd data-total="buyers">{d.totals.buyers}</dd>
          </div>
          <div>
            <dt>{t("stats.col.pickedUpPct")}</dt>
            <dd>{d.delivery.total.pickedUpPct ?? t("stats.notAvailable")}</dd>
          </div>
          <div>
            <dt>{t("stats.col.coverage")}</dt>
            <dd>{d.quality.total.coveragePct ?? t("stats.notAvailable")}</dd>
          </div>
          <div>
            <dt>{t("stats.col.passRate")}</dt>
            <dd>{d.quality.total.passRatePct ?? t("stats.notAvailable")}</dd>
          </div>
          <div>
            <dt>{t("stats.col.recalls")}</dt>
            <dd>{d.quality.total.recalls}</dd>
          </div>
        </dl>
      </section>

      <section className="stats-section" aria-labelledby="stats-sales">
        <h2 id="stats-sales">{t("stats.section.sales")}</h2>
        <ColumnChart title={t("stats.chart.sales")} data={d.sales.map((s) => ({ label: s.period, value: s.netFen }))} format={money} />
        <StatsTable name="sales" rows={d.sales} csvHref={csv("sales")} caption={t("stats.section.sales")} />
      </section>

      <section className="stats-section" aria-labelledby="stats-regions">
        <h2 id="stats-regions">{t("stats.section.regions")}</h2>
        <BarChart
          title={t("stats.chart.regions")}
          data={d.regions.map((r) => ({ label: pick(locale, r.nameZh, r.nameEn), value: r.salesFen }))}
          format={money}
        />
        <StatsTable name="regions" rows={d.regions} csvHref={csv("regions")} caption={t("stats.section.regions")} />
      </section>

      <section className="stats-section" aria-labelledby="stats-categories">
        <h2 id="stats-categories">{t("stats.section.categories")}</h2>
        <BarChart
          title={t("stats.chart.categories")}
          data={d.categories.map((c) => ({ label: pick(locale, c.nameZh, c.nameEn), value: c.salesFen }))}
          format={money}
        />
        <StatsTable name="categories" rows={d.categories} csvHref={csv("categories")} caption={t("stats.section.categories")} />
      </section>

      <section className="stats-section" aria-labelledby="stats-kinds">
        <h2 id="stats-kinds">{t("stats.section.kinds")}</h2>
        <StatsTable name="kinds" rows={d.kinds} csvHref={csv("kinds")} caption={t("stats.section.kinds")} />
      </section>

      <section className="stats-section" aria-labelledby="stats-delivery">
        <h2 id="stats-delivery">{t("stats.section.delivery")}</h2>
        <ColumnChart title={t("stats.chart.delivery")} data={d.delivery.series.map((s) => ({ label: s.period, value: s.pickedUpPct ?? 0 }))} format={pctText} />
        <p className="meta">{t("stats.medianNote")}</p>
        <StatsTable name="delivery" rows={d.delivery.series} csvHref={csv("delivery")} caption={t("stats.section.delivery")} />
      </section>

      <section className="stats-section" aria-labelledby="stats-quality">
        <h2 id="stats-quality">{t("stats.section.quality")}</h2>
        <ColumnChart title={t("stats.chart.quality")} data={d.quality.series.map((s) => ({ label: s.period, value: s.coveragePct ?? 0 }))} format={pctText} />
        <StatsTable name="quality" rows={d.quality.series} csvHref={csv("quality")} caption={t("stats.section.quality")} />
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
