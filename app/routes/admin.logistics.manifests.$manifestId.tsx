/**
 * /admin/logistics/manifests/:manifestId — the printable manifest (A4 or a phone): route, depot,
 * date, stops in driving order, and per parcel its code as text and as a QR (what the operator
 * scans at arrival), with a box to tick and a signature line per stop. Platform admins; a delivery
 * operator on the route sees only the stops at their own points (logistics/manifests.ts).
 */
import { shanghaiDateTime } from "../../core/clock";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { hasRole } from "../../core/permissions";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { MessageKey } from "~/i18n/core";
import { useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { idParam, load } from "~/utils/http.server";
import { getManifest } from "~/logistics.server";
import { PrintLink, usePrintOnLoad } from "~/components/print";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data
    ? pageTitle(matches, "logisticsRoutes.manifestTitle", { route: data.manifest.routeName, date: data.manifest.serviceDate })
    : pageTitle(matches, "error.notFound");

/** Parcel codes are short and fixed: level M, a 1-module margin, as an inline SVG data URI (no extra request). */
async function qrDataUri(code: string): Promise<string> {
  const svg = await QRCode.toString(code, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.manifestId);
  const manifest = await load(() => getManifest(getDb(), user, id));
  const qr: Record<string, string> = {};
  for (const stop of manifest.stops) for (const p of stop.parcels) qr[p.code] = await qrDataUri(p.code);
  return { manifest, qr, builtText: shanghaiDateTime(manifest.builtAt), isAdmin: hasRole(user, "platform_admin") };
}

const km = (m: number) => (m / 1000).toFixed(1);

/** Print: A4 portrait, no site chrome, a stop's heading stays with its first parcels, rows never split. */
const PRINT_CSS = `
.manifest h1 { font-size: 1.25rem; margin-bottom: 0.25rem; }
.manifest .kv { margin-bottom: 0.5rem; }
.manifest-stop { margin-top: 0.9rem; }
.manifest-stop h2 { font-size: 1.05rem; margin: 0 0 0.15rem; }
.manifest-stop .meta { margin: 0 0 0.35rem; }
.manifest table { table-layout: fixed; }
.manifest th.c-tick, .manifest td.c-tick { width: 2.9rem; text-align: center; }
.manifest th.c-qr, .manifest td.c-qr { width: 4.6rem; }
.manifest td.c-qr img { width: 4.2rem; height: 4.2rem; display: block; }
.manifest td { overflow-wrap: anywhere; }
.manifest .code { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 700; font-size: 1rem; letter-spacing: 0.02em; }
.manifest .tick-box { display: inline-block; width: 1.3rem; height: 1.3rem; border: 2px solid #333; border-radius: 2px; }
.manifest .sign-line { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; margin: 0.4rem 0 0; font-size: 0.9rem; }
.manifest .sign-line span { min-width: 10rem; border-bottom: 1px solid #555; padding-bottom: 0.9rem; }
.manifest .badge { margin-left: 0.3rem; }
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  .site-header, .site-footer, .no-print { display: none !important; }
  .site-main { padding: 0; margin: 0; max-width: none; }
  body { background: #fff; color: #000; font-size: 10.5pt; }
  .manifest table { background: #fff; }
  .manifest th, .manifest td { border-bottom: 0.3mm solid #999; padding: 1.2mm 1.5mm; }
  .manifest-stop h2 { break-after: avoid; }
  .manifest tr { break-inside: avoid; }
  .manifest td.c-qr img { width: 18mm; height: 18mm; }
}
`;

export default function ManifestRoute() {
  const t = useT();
  const { manifest: m, qr, builtText, isAdmin } = useLoaderData<typeof loader>();
  usePrintOnLoad();
  return (
    <article className="manifest">
      <style dangerouslySetInnerHTML={{ __html: PRINT_CSS }} />
      {isAdmin ? (
        <p className="no-print breadcrumbs">
          <Link to={`/admin/logistics/manifests?date=${m.serviceDate}`}>{t("logisticsRoutes.back")}</Link>
        </p>
      ) : null}
      <h1>{t("logisticsRoutes.manifestTitle", { route: m.routeName, date: m.serviceDate })}</h1>
      {!m.complete ? <p className="notice">{t("logisticsRoutes.partial")}</p> : null}
      <dl className="kv">
        <dt>{t("logisticsRoutes.route")}</dt>
        <dd>{m.routeName}</dd>
        <dt>{t("logisticsRoutes.depot")}</dt>
        <dd>{m.depotName}</dd>
        <dt>{t("logisticsRoutes.date")}</dt>
        <dd>{m.serviceDate}</dd>
        <dt>{t("logisticsRoutes.length")}</dt>
        <dd>{t("logisticsRoutes.lengthValue", { km: km(m.lengthM), nn: km(m.constructionLengthM) })}</dd>
        <dt>{t("logisticsRoutes.col.separate")}</dt>
        <dd>
          {t("logisticsRoutes.km", { km: km(m.separateLengthM) })} ({t("logisticsRoutes.col.saving")} {t("logisticsRoutes.percent", { value: m.savingPercent })}
          )
        </dd>
        <dt>{t("logisticsRoutes.parcelCount")}</dt>
        <dd>{m.parcelCount}</dd>
        <dt>{t("logisticsRoutes.builtAt")}</dt>
        <dd>{builtText}</dd>
      </dl>
      <p className="no-print button-row">
        {/* A convenience with JavaScript; without it the browser's own print command uses the same print styles. */}
        <PrintLink className="button secondary">{t("logisticsRoutes.print")}</PrintLink>
      </p>

      <ol className="manifest-stops" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {m.stops.map((stop) => (
          <li key={stop.pointId} className="manifest-stop" data-testid="manifest-stop" data-point-id={stop.pointId}>
            <h2>{t("logisticsRoutes.stopHeading", { seq: stop.seq, name: stop.name })}</h2>
            <p className="meta">
              {t(`logisticsRoutes.kind.${stop.kind}` as MessageKey)} · {stop.township ? `${stop.township} · ` : ""}
              {stop.address} · {stop.openingHours} · {t("logisticsRoutes.stopParcels", { count: stop.parcels.length })}
            </p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th className="c-tick">{t("logisticsRoutes.col.tick")}</th>
                    <th className="c-qr">{t("logisticsRoutes.col.qr")}</th>
                    <th>{t("logisticsRoutes.col.parcel")}</th>
                    <th>{t("logisticsRoutes.col.who")}</th>
                  </tr>
                </thead>
                <tbody>
                  {stop.parcels.map((p) => (
                    <tr key={p.id} data-testid="manifest-parcel">
                      <td className="c-tick">
                        <span className="tick-box" aria-hidden="true" />
                      </td>
                      <td className="c-qr">
                        <img src={qr[p.code]} alt={t("logisticsRoutes.qrAlt", { code: p.code })} width={64} height={64} />
                      </td>
                      <td>
                        <div className="code">{p.code}</div>
                        <div>
                          {t(`logisticsRoutes.size.${p.size}` as MessageKey)}
                          {p.chilled ? <span className="badge">{t("logisticsRoutes.chilled")}</span> : null}
                          {p.fresh ? <span className="badge">{t("logisticsRoutes.fresh")}</span> : null}
                        </div>
                        <div className="meta">{p.slotCode ? t("logisticsRoutes.slot", { code: p.slotCode }) : t("logisticsRoutes.noSlot")}</div>
                      </td>
                      <td>
                        <div>{p.producerName}</div>
                        <div className="mono">{p.buyerContact}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="sign-line">
              <span>{t("logisticsRoutes.signature")}</span>
              <span>{t("logisticsRoutes.signedAt")}</span>
            </p>
          </li>
        ))}
      </ol>
      {m.recalled.length ? (
        <section className="manifest-recalled" data-testid="manifest-recalled" aria-labelledby="recalled-heading">
          <h2 id="recalled-heading" className="interval-bad">
            {t("parcels.manifest.recalled")}
          </h2>
          <p className="meta">{t("parcels.manifest.recalledHint")}</p>
          <ul>
            {m.recalled.map((p) => (
              <li key={p.id}>
                <span className="mono">{p.code}</span> · {p.pointName} · {p.producerName}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {m.complete ? <p className="meta manifest-return">{t("logisticsRoutes.returnToDepot", { depot: m.depotName })}</p> : null}
      <p className="sign-line">
        <span>{t("logisticsRoutes.courier")}</span>
      </p>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
