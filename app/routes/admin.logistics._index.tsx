/**
 * /admin/logistics — the delivery network for platform admins (inspectors may read it too): every
 * point's load and the overdue parcels (logistics/network-admin.ts). Filters are a GET form, so the
 * page works without JavaScript; the map is an enhancement mounted after hydration above the table.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { lazy, Suspense, useEffect, useState } from "react";
import { z } from "zod";
import leafletStyles from "leaflet/dist/leaflet.css";
import { getEnv } from "~/kernel.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { NetworkMapPoint } from "~/components/network-map.client";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { hasRole } from "../../core/permissions";
import { DELIVERY_POINT_KINDS } from "../../db/enums";
import { networkOverview } from "~/logistics.server";
import { BUSY_PCT, OVERLOAD_PCT, type LoadLevel } from "../../logistics/load-levels";

// Leaflet is ~150 kB: load it only in the browser, after the page is usable.
const NetworkMap = lazy(() => import("~/components/network-map.client"));

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletStyles }];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "networkAdmin.title");

/** Bad values are dropped (the filter is just not applied) rather than refused. */
const FiltersSchema = z.object({
  county: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.enum(DELIVERY_POINT_KINDS).optional().catch(undefined),
  overloaded: z.coerce.boolean().optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector");
  const filters = FiltersSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const overview = networkOverview(getDb(), user, { countyId: filters.county, kind: filters.kind, overloaded: filters.overloaded });
  const env = getEnv();
  return {
    ...overview,
    filters,
    canManage: hasRole(user, "platform_admin"),
    tileUrl: env.TILE_URL ?? null,
    tileAttribution: env.TILE_ATTRIBUTION ?? null,
    pct: { busy: BUSY_PCT, overload: OVERLOAD_PCT },
  };
}

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

const LEVEL_BADGE: Record<LoadLevel, string> = { low: "badge", medium: "badge warn", high: "badge danger" };

export default function AdminLogisticsRoute() {
  const t = useT();
  const locale = useLocale();
  const hydrated = useHydrated();
  const { points, overdue, counties, totals, filters, canManage, tileUrl, tileAttribution, pct } = useLoaderData<typeof loader>();
  const filtered = filters.county !== undefined || filters.kind !== undefined || Boolean(filters.overloaded);

  const mapPoints: NetworkMapPoint[] = points.map((p) => ({
    id: p.id,
    lat: p.lat,
    lng: p.lng,
    level: p.level,
    name: p.name,
    lines: [
      t(`networkAdmin.kind.${p.kind}`),
      t("networkAdmin.popupLoad", { waiting: p.waiting, expected: p.expected, pct: p.usePct }),
      t("networkAdmin.freeLong", p.free),
      p.flagged > 0 ? t("networkAdmin.flagged", { count: p.flagged }) : "",
    ].filter(Boolean),
  }));

  return (
    <section className="network-admin">
      <h1>{t("networkAdmin.title")}</h1>
      <p className="meta">{t("networkAdmin.intro")}</p>
      <p>
        <Link to="/admin/logistics/manifests">{t("networkAdmin.manifestsLink")}</Link>
        {canManage ? (
          <>
            {" · "}
            <Link to="/admin/logistics/points/new">{t("pointsAdmin.newLink")}</Link>
          </>
        ) : null}
      </p>

      <details className="filters" open={filtered}>
        <summary>{t("networkAdmin.filter.heading")}</summary>
        <Form method="get" action="/admin/logistics">
          <div className="form">
            <div className="field">
              <label htmlFor="f-county">{t("networkAdmin.filter.county")}</label>
              <select id="f-county" name="county" defaultValue={filters.county ?? ""}>
                <option value="">{t("networkAdmin.filter.allCounties")}</option>
                {counties.map((c) => (
                  <option key={c.id} value={c.id}>
                    {pick(locale, c.nameZh, c.nameEn)} ({c.points})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-kind">{t("networkAdmin.filter.kind")}</label>
              <select id="f-kind" name="kind" defaultValue={filters.kind ?? ""}>
                <option value="">{t("networkAdmin.filter.allKinds")}</option>
                {DELIVERY_POINT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`networkAdmin.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label>
                <input type="checkbox" name="overloaded" value="1" defaultChecked={Boolean(filters.overloaded)} />{" "}
                {t("networkAdmin.filter.overloaded", { pct: pct.overload })}
              </label>
            </div>
          </div>
          <div className="button-row">
            <button type="submit" className="primary">
              {t("networkAdmin.filter.apply")}
            </button>
            {filtered ? (
              <Link className="button secondary" to="/admin/logistics">
                {t("networkAdmin.filter.reset")}
              </Link>
            ) : null}
          </div>
        </Form>
      </details>

      <p data-testid="network-totals">{t("networkAdmin.totals", totals)}</p>

      {hydrated && mapPoints.length > 0 ? (
        <Suspense fallback={<div style={{ height: "min(60vh, 420px)" }} />}>
          <NetworkMap points={mapPoints} ariaLabel={t("networkAdmin.map")} tileUrl={tileUrl} tileAttribution={tileAttribution} />
        </Suspense>
      ) : null}
      <p className="hint">
        <span className={LEVEL_BADGE.low}>{t("networkAdmin.level.low", { pct: pct.busy })}</span>
        <span className={LEVEL_BADGE.medium}>{t("networkAdmin.level.medium")}</span>
        <span className={LEVEL_BADGE.high}>{t("networkAdmin.level.high", { pct: pct.overload })}</span>
      </p>

      {points.length === 0 ? (
        <p className="panel">{t("networkAdmin.empty")}</p>
      ) : (
        <div className="table-wrap">
          {/* Wide on purpose: on a phone the wrapper scrolls sideways instead of squeezing every column. */}
          <table className="network-points" style={{ minWidth: "48rem" }}>
            <thead>
              <tr>
                <th>{t("networkAdmin.col.point")}</th>
                <th>{t("networkAdmin.col.kind")}</th>
                <th>{t("networkAdmin.col.county")}</th>
                <th>{t("networkAdmin.col.operators")}</th>
                <th>{t("networkAdmin.col.waiting")}</th>
                <th>{t("networkAdmin.col.expected")}</th>
                <th>{t("networkAdmin.col.free")}</th>
                <th>{t("networkAdmin.col.use")}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.id} data-point-id={p.id} data-level={p.level}>
                  <td>
                    <strong>{canManage ? <Link to={`/admin/logistics/points/${p.id}`}>{p.name}</Link> : p.name}</strong>
                    {p.active ? null : <span className="badge muted">{t("networkAdmin.inactive")}</span>}
                    <div className="meta">
                      {p.township ? `${p.township} · ` : ""}
                      {p.openingHours === "24h" ? t("networkAdmin.hours24") : t("networkAdmin.hours", { hours: p.openingHours })}
                    </div>
                  </td>
                  <td>{t(`networkAdmin.kind.${p.kind}`)}</td>
                  <td>
                    {p.county ? pick(locale, p.county.nameZh, p.county.nameEn) : t("networkAdmin.noCounty")}
                    <div className="meta">{p.route ? `${p.route.name}（${p.route.depotName}）` : t("networkAdmin.noRoute")}</div>
                  </td>
                  <td>{p.operators.length ? p.operators.map((o) => o.displayName).join("、") : t("networkAdmin.noOperators")}</td>
                  <td data-testid="waiting">
                    {p.waiting}
                    {p.flagged > 0 ? <div className="meta">{t("networkAdmin.flagged", { count: p.flagged })}</div> : null}
                  </td>
                  <td data-testid="expected">
                    {p.expected}
                    {p.recallHeld > 0 ? (
                      <div className="meta interval-bad" data-testid="recall-held">
                        {t("parcels.network.recallHeld")} {p.recallHeld}
                      </div>
                    ) : null}
                  </td>
                  <td data-testid="free" title={t("networkAdmin.freeLong", p.free)}>
                    {t("networkAdmin.free", p.free)}
                  </td>
                  <td data-testid="use">
                    <span className={LEVEL_BADGE[p.level]}>{t("networkAdmin.use", { pct: p.usePct, load: p.waiting + p.expected, capacity: p.capacity })}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t("networkAdmin.overdue.heading")}</h2>
      <p className="meta">{t("networkAdmin.overdue.intro")}</p>
      {overdue.length === 0 ? (
        <p className="panel">{t("networkAdmin.overdue.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="network-overdue" style={{ minWidth: "30rem" }}>
            <thead>
              <tr>
                <th>{t("networkAdmin.overdue.point")}</th>
                <th>{t("networkAdmin.overdue.code")}</th>
                <th>{t("networkAdmin.overdue.days")}</th>
                <th>{t("networkAdmin.overdue.buyer")}</th>
                <th>{t("networkAdmin.overdue.status")}</th>
              </tr>
            </thead>
            <tbody>
              {overdue.map((o) => (
                <tr key={o.parcelId} data-parcel-code={o.code}>
                  <td>{o.pointName}</td>
                  <td>
                    <code>{o.code}</code>
                  </td>
                  <td>{t("networkAdmin.overdue.daysValue", { days: o.daysOverdue })}</td>
                  <td>{o.buyerPhoneMasked}</td>
                  <td>
                    <span className={o.status === "return_flagged" ? "badge danger" : "badge warn"}>{t(`networkAdmin.overdue.status.${o.status}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
