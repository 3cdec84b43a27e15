/**
 * The public trace page of a lot: GET /01/<GTIN-14>/10/<lot> (GS1 Digital Link, what the QR code
 * encodes). Mobile-first and complete without JavaScript; the map is an enhancement mounted after
 * hydration. The same URL with `Accept: application/ld+json` is the EPCIS document: server.js
 * routes such requests to epcis.01.$gtin.10.$lot.ts (a loader cannot answer a document request
 * with a raw body), and this loader redirects there if one slips through.
 * Anonymous GETs are served from server.js's cache ahead of Remix (X-Cunpin-Trace-Batch marks
 * the response as cacheable); scans are counted in memory either way.
 */
import { shanghaiDate } from "../../core/clock";
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { getEnv } from "~/kernel.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/forms";
import { StaticMap } from "~/components/static-map";
import { printHref } from "~/components/print";
import type { PageHandle } from "~/root";
import { normalisePhone } from "../../core/phone";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import traceStyles from "~/styles/trace.css";
import { getDb } from "~/utils/db.server";
import { localeFromMatches, pageTitle } from "~/utils/meta";
import { publicOrigin } from "~/utils/public-origin.server";
import { getClientIp, getOptionalUser } from "~/utils/session.server";
import { PROBLEM_KINDS } from "../../db/enums";
import {
  submitProblemReport,
  decodeLotParam,
  findLot,
  getTracePage,
  parseLotParams,
  privateDeliveries,
  recordScan,
  tracePath,
  traceUrl,
  wantsJsonLd,
  type TimelineEntry,
} from "~/traceability.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

/**
 * What every QR scan opens, on a phone over a weak network: the page works fully as HTML (the
 * problem report is a plain form the server validates), so it ships no script at all (root.tsx).
 * The map is tiles and a marker drawn without JavaScript (StaticMap).
 */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data
    ? pageTitle(matches, "tracePage.title", { product: pick(localeFromMatches(matches), data.page.product.name.zh, data.page.product.name.en) })
    : pageTitle(matches, "error.notFound");

/** Loader headers reach the document response (Vary, cache marker for server.js). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

function lotParams(params: LoaderFunctionArgs["params"]) {
  const gtin = params.gtin ?? "";
  const lot = decodeLotParam(params.lot ?? "");
  return { gtin, lot, parsed: parseLotParams(gtin, lot) };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { gtin, parsed } = lotParams(params);
  if (!parsed) throw new Response("tracePage.notFound", { status: 404 });
  // GTIN-8/12/13 in the link: send to the canonical 14-digit Digital Link.
  if (parsed.gtin !== gtin) throw redirect(tracePath(parsed.gtin, parsed.lotCode), 301);
  if (wantsJsonLd(request.headers.get("Accept"))) throw redirect(`/epcis${tracePath(parsed.gtin, parsed.lotCode)}`, 303);
  const db = getDb();
  const ref = findLot(db, parsed.gtin, parsed.lotCode);
  if (!ref) throw new Response("tracePage.notFound", { status: 404 });
  recordScan(db, ref.batchId); // before reading the count, so the page includes this scan
  const page = getTracePage(db, parsed.gtin, parsed.lotCode);
  if (!page) throw new Response("tracePage.notFound", { status: 404 });
  const origin = publicOrigin(request);
  // Arrivals and pickups: only the parcel's buyer, the producer and inspectors (never in the cached anonymous page).
  const user = await getOptionalUser(request);
  const deliveries = privateDeliveries(db, user, ref.batchId);
  return data(
    {
      page,
      deliveries,
      url: traceUrl(origin, page.lot.gtin, page.lot.lotCode),
      path: tracePath(page.lot.gtin, page.lot.lotCode),
      tileUrl: getEnv().TILE_URL ?? null,
      tileAttribution: getEnv().TILE_ATTRIBUTION ?? null,
    },
    {
      headers: {
        "Cache-Control": user ? "private, no-cache" : "no-cache",
        Vary: "Accept, Accept-Language, Cookie",
        "X-Cunpin-Trace-Batch": String(page.lot.batchId),
      },
    },
  );
}

const ReportSchema = z.object({
  kind: z.enum(PROBLEM_KINDS, { errorMap: () => ({ message: "traceReport.kindRequired" }) }),
  message: z.string({ required_error: "traceReport.messageTooShort" }).trim().min(4, "traceReport.messageTooShort").max(1000, "traceReport.messageTooLong"),
  phone: z
    .string()
    .trim()
    .optional()
    .refine((p) => !p || normalisePhone(p) !== null, "traceReport.phoneInvalid")
    .transform((p) => (p ? normalisePhone(p) : null)),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const { gtin, lot } = lotParams(params);
  const db = getDb();
  const ref = findLot(db, gtin, lot);
  if (!ref) throw new Response("tracePage.notFound", { status: 404 });
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: ReportSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const user = await getOptionalUser(request);
  const sent = submitProblemReport(db, {
    batchId: ref.batchId,
    kind: submission.value.kind,
    message: submission.value.message,
    contactPhone: submission.value.phone,
    userId: user?.id ?? null,
    clientKey: getClientIp(request),
  });
  if (!sent.ok) {
    return data({ result: submission.reply({ formErrors: ["traceReport.throttled"] }), sent: false }, { status: 429 });
  }
  return data({ result: submission.reply({ resetForm: true }), sent: true });
}

function TimelineItem({ entry }: { entry: TimelineEntry }) {
  const t = useT();
  const locale = useLocale();
  const d = entry.details;
  const violation = d.type === "input_application" && d.interval?.respected === false;
  const lines: { text: string; className?: string }[] = [];
  switch (d.type) {
    case "planting":
      lines.push({ text: t("traceEvent.crop", { crop: pick(locale, d.crop.zh, d.crop.en) }) });
      if (d.variety) lines.push({ text: t("traceEvent.variety", { variety: d.variety }) });
      if (d.plot) lines.push({ text: `${t("tracePage.plot")}: ${d.plot}${d.areaMu ? ` · ${t("tracePage.plotArea", { area: d.areaMu })}` : ""}` });
      break;
    case "input_application": {
      const parts = [`${t(`traceEvent.inputKind.${d.inputKind}` as MessageKey)}: ${d.productName}`];
      if (d.registrationNo) parts.push(t("traceEvent.registrationNo", { no: d.registrationNo }));
      if (d.dose) parts.push(t("traceEvent.dose", { dose: d.dose }));
      if (d.areaMu) parts.push(t("traceEvent.area", { area: d.areaMu }));
      lines.push({ text: parts.join(" · ") });
      const iv = d.interval;
      // Pesticides: the registered use first (off-label or unstated is a violation in itself).
      const use = d.use;
      if (use?.status === "off_label") {
        lines.push({
          text: t("traceEvent.offLabel", { crop: use.labelCrop ? pick(locale, use.labelCrop.zh, use.labelCrop.en) : "?" }),
          className: "interval-bad",
        });
      } else if (use?.status === "unknown") {
        lines.push({ text: t("traceEvent.useUnknown"), className: "interval-bad" });
      } else if (use?.declared && use.labelCrop) {
        lines.push({ text: t("traceEvent.labelCropDeclared", { crop: pick(locale, use.labelCrop.zh, use.labelCrop.en) }), className: "meta" });
      }
      if (!iv && d.daysBeforeHarvest !== null && !use)
        lines.push({ text: t("traceEvent.daysBeforeHarvest", { days: d.daysBeforeHarvest }), className: "meta" });
      if (iv) {
        const params = { days: iv.daysBeforeHarvest ?? 0, interval: iv.intervalDays };
        if (iv.respected === null) lines.push({ text: t("traceEvent.intervalPending", params), className: "meta" });
        else if (iv.kind === "withdrawal")
          lines.push(
            iv.respected
              ? { text: t("traceEvent.withdrawalRespected", params), className: "interval-ok" }
              : { text: t("traceEvent.withdrawalViolated", params), className: "interval-bad" },
          );
        else
          lines.push(
            iv.respected
              ? { text: t("traceEvent.intervalRespected", params), className: "interval-ok" }
              : { text: t("traceEvent.intervalViolated", params), className: "interval-bad" },
          );
        // A farmer-declared interval is shown as declared, not as verified.
        if (iv.source === "declared") lines.push({ text: t("traceEvent.intervalDeclared", params), className: "meta" });
      }
      break;
    }
    case "harvest":
      lines.push({ text: t("traceEvent.harvestQuantity", { quantity: d.quantity, unit: t(`unit.${d.unit}` as MessageKey) }) });
      if (d.hasCertificate) lines.push({ text: t("traceEvent.withCertificate"), className: "meta" });
      break;
    case "inspection": {
      const parts = [t(`traceEvent.kind.${d.kind}` as MessageKey), d.result === "pass" ? t("tracePage.inspectionPass") : t("tracePage.inspectionFail")];
      lines.push({ text: parts.join(" · "), className: d.result === "pass" ? "interval-ok" : "interval-bad" });
      if (d.inspector) lines.push({ text: t("traceEvent.inspector", { inspector: d.inspector }) });
      if (d.reportNo) lines.push({ text: t("traceEvent.reportNo", { no: d.reportNo }), className: "meta" });
      break;
    }
    case "packing":
      if (d.packageCount) lines.push({ text: t("traceEvent.packages", { count: d.packageCount }) });
      else if (d.quantity && d.unit) lines.push({ text: `${d.quantity} ${t(`unit.${d.unit}` as MessageKey)}` });
      if (d.hasCertificate) lines.push({ text: t("traceEvent.withCertificate"), className: "meta" });
      break;
    case "shipping":
      if (d.carrier) lines.push({ text: t("traceEvent.carrier", { carrier: d.carrier }) });
      break;
    case "pickup":
      if (d.pickupPoint) lines.push({ text: t("traceEvent.pickupPoint", { point: d.pickupPoint }) });
      break;
    case "recall":
      lines.push({ text: d.reason, className: "interval-bad" });
      break;
    case "arrival":
      break;
  }
  const classes = [d.type === "recall" ? "recall" : violation ? "violation" : null, entry.retracted ? "retracted" : null].filter(Boolean).join(" ");
  const body = (
    <>
      <div className="what">
        {t(`traceEvent.${d.type}` as MessageKey)}
        {entry.retracted ? <span className="badge danger"> {t("tracePage.retracted")}</span> : null}
      </div>
      {lines.map((l, i) => (
        <p key={i} className={l.className}>
          {l.text}
        </p>
      ))}
    </>
  );
  return (
    <li className={classes || undefined} data-event={d.type} data-seq={entry.seq} data-retracted={entry.retracted ? "1" : undefined}>
      <span className="when">
        {shanghaiDate(entry.occurredAt)} · {t("tracePage.recordNo", { seq: entry.seq })}
        {entry.actorKind === "platform" ? ` · ${t("tracePage.byPlatform")}` : ""}
      </span>
      {/* A retracted record is struck through, never hidden. */}
      {entry.retracted ? <del>{body}</del> : body}
      {entry.originalOccurredAt !== null ? <p className="meta">{t("tracePage.originalDate", { date: shanghaiDate(entry.originalOccurredAt) })}</p> : null}
      {entry.corrections.length ? (
        <ul className="corrections">
          {entry.corrections.map((c) => (
            <li key={c.seq} className="correction" data-correction-seq={c.seq} data-status={c.status}>
              <p>
                <strong>
                  {c.kinds.includes("retract")
                    ? t("tracePage.correction.retract", { seq: c.seq })
                    : c.kinds.includes("redate") && c.newOccurredAt !== null
                      ? t("tracePage.correction.redate", { seq: c.seq, date: shanghaiDate(c.newOccurredAt) })
                      : t("tracePage.correction.replace", { seq: c.seq })}
                </strong>{" "}
                <span className={c.status === "pending" || c.status === "rejected" ? "badge warning" : "badge muted"}>
                  {t(`tracePage.correction.status.${c.status}` as MessageKey)}
                </span>
              </p>
              <p>{t("tracePage.correction.reason", { reason: c.reason })}</p>
              <p className="meta">
                {t("tracePage.correction.by", {
                  who: t(c.actorKind === "platform" ? "tracePage.correction.platform" : "tracePage.correction.producer"),
                  at: shanghaiDate(c.recordedAt),
                })}
              </p>
              {c.review ? <p className="meta">{t("tracePage.correction.review", { at: shanghaiDate(c.review.recordedAt), note: c.review.note })}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export default function TracePageRoute() {
  const t = useT();
  const locale = useLocale();
  const { page, path, tileUrl, tileAttribution, deliveries } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "problem-report",
    lastResult: actionData?.result,
    constraint: getZodConstraint(ReportSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReportSchema }),
    shouldRevalidate: "onBlur",
  });
  const { lot, product, producer, origin, plot, location, verification, recall, certificate, household } = page;
  const name = (n: { zh: string; en: string }) => pick(locale, n.zh, n.en);
  const place = [origin.province, origin.county, origin.township]
    .filter(Boolean)
    .map((n) => name(n!))
    .join(" · ");
  const fixed = (x: number) => x.toFixed(5);
  const locationText = location
    ? t(location.source === "plot" ? "tracePage.location" : location.source === "village" ? "tracePage.locationVillage" : "tracePage.locationProducer", {
        lat: fixed(location.lat),
        lng: fixed(location.lng),
      })
    : t("tracePage.noLocation");
  const formError = form.errors?.[0];

  return (
    <article className="trace-page">
      <section className={`verdict ${page.verdict.ok ? "verify-ok" : "verify-fail"}`} id="verdict" role="status">
        <strong>{page.verdict.ok ? t("tracePage.verdictOk") : t("tracePage.verdictProblem")}</strong>
        {page.verdict.ok ? (
          <p>{t("tracePage.verdictOkDetail")}</p>
        ) : (
          <ul>
            {page.verdict.reasons.map((r, i) => (
              <li key={i}>{name(r)}</li>
            ))}
          </ul>
        )}
      </section>
      {recall ? (
        <section className="recall-banner" role="alert" aria-labelledby="recall-heading">
          <h2 id="recall-heading">⚠ {t("tracePage.recalledTitle")}</h2>
          <p>{t("tracePage.recalledBody", { date: shanghaiDate(recall.openedAt), reason: recall.reason || t("tracePage.reasonUnknown") })}</p>
        </section>
      ) : null}

      <header className="trace-head">
        <h1>{name(product.name)}</h1>
        <dl className="kv">
          <dt>{t("tracePage.lot")}</dt>
          <dd className="mono">{lot.lotCode}</dd>
          <dt>{t("tracePage.gtin")}</dt>
          <dd className="mono">{lot.gtin}</dd>
          <dt>{t("tracePage.category")}</dt>
          <dd>{name(page.category.name)}</dd>
          {lot.harvestedAt != null ? (
            <>
              <dt>{t("tracePage.harvestedAt")}</dt>
              <dd>{shanghaiDate(lot.harvestedAt)}</dd>
            </>
          ) : null}
        </dl>
      </header>

      <section className="trace-grid" aria-label={t("tracePage.timeline")}>
        <div className={`wide ${verification.ok ? "verify-ok" : "verify-fail"}`} role="status" id="verification">
          {verification.ok ? (
            <>
              <strong>✓ {t("tracePage.verifiedOk")}</strong>
              {/* Hashes and key names are for the curious: folded away from shoppers. */}
              <details className="verify-details">
                <summary>{t("tracePage.technicalDetails")}</summary>
                <p>{verification.checked > 0 ? t("tracePage.verifiedOkDetail", { checked: verification.checked }) : t("tracePage.verifiedEmpty")}</p>
                {verification.head ? (
                  <p className="mono meta">
                    {t("tracePage.headHash", { seq: verification.head.seq })} {verification.head.eventHash}
                  </p>
                ) : null}
              </details>
            </>
          ) : (
            <>
              <strong>✗ {t("tracePage.tampered", { seq: verification.failedAt })}</strong>
              <p>{t("tracePage.tamperedDetail", { reason: t(`traceVerify.${verification.reason}` as MessageKey) })}</p>
            </>
          )}
        </div>

        <section className="panel" aria-labelledby="producer-heading">
          <h2 id="producer-heading">{t("tracePage.producer")}</h2>
          <p className="producer-name">
            <Link to={`/producers/${producer.id}`}>{name(producer.name)}</Link>
          </p>
          {household?.name ? (
            <p className="household" data-testid="trace-household">
              {t("tracePage.household", { household: household.name })}
            </p>
          ) : null}
          {household?.changes.map((c, i) => (
            <p key={i} className="meta">
              {t("tracePage.householdChanged", {
                date: shanghaiDate(c.changedAt),
                from: c.fromName ?? t("tracePage.householdNone"),
                to: c.toName ?? t("tracePage.householdNone"),
              })}
            </p>
          ))}
          <p>
            <span className="badge muted">{t(`producerKind.${producer.kind}` as MessageKey)}</span>
            {producer.verified ? (
              <span className="badge" title={t("storefront.verifiedHint")}>
                {t("tracePage.verified")}
              </span>
            ) : (
              <span className="badge warn">{t("tracePage.unverified")}</span>
            )}
          </p>
          <p className="meta">
            {t("storefront.creditCode")}: <span className="mono">{producer.creditCode}</span>
          </p>
        </section>

        <section className="panel" aria-labelledby="origin-heading" id="origin">
          <h2 id="origin-heading">{t("tracePage.origin")}</h2>
          <p>
            {place}
            {origin.village ? (
              <>
                {" · "}
                <Link to={`/villages/${origin.village.id}`}>{name(origin.village.name)}</Link>
              </>
            ) : null}
          </p>
          {plot ? (
            <p>
              {t("tracePage.plot")}: {plot.name}
              {plot.areaMu ? ` · ${t("tracePage.plotArea", { area: plot.areaMu })}` : ""}
            </p>
          ) : null}
          {/* Always present, with or without JavaScript or map tiles. */}
          <p className="location-text" id="location-text">
            {locationText}
            {origin.village ? ` / ${name(origin.village.name)}` : ""}
          </p>
          {location ? (
            <StaticMap
              lat={location.lat}
              lng={location.lng}
              label={plot?.name ?? (origin.village ? name(origin.village.name) : name(producer.name))}
              ariaLabel={t("tracePage.mapLabel")}
              tileUrl={tileUrl}
              tileAttribution={tileAttribution}
            />
          ) : null}
        </section>

        <section className="panel wide" aria-labelledby="timeline-heading" id="timeline">
          <h2 id="timeline-heading">{t("tracePage.timeline")}</h2>
          {page.timeline.length ? (
            <>
              <ol className="timeline">
                {page.timeline.map((e) => (
                  <TimelineItem key={e.seq} entry={e} />
                ))}
              </ol>
              <p className="meta" id="record-count">
                {t("tracePage.recordCount", { count: page.recordCount })}
              </p>
            </>
          ) : (
            <p className="meta">{t("tracePage.noEvents")}</p>
          )}
        </section>

        <section className="panel wide" aria-labelledby="distribution-heading" id="distribution">
          <h2 id="distribution-heading">{t("tracePage.distribution")}</h2>
          <p>{t("tracePage.distributionBody", { units: page.distribution.units, points: page.distribution.points })}</p>
          {deliveries ? (
            <>
              <p className="meta">
                {t(deliveries.all ? "tracePage.deliveriesAll" : "tracePage.deliveriesOwn", { shown: deliveries.rows.length, total: deliveries.total })}
              </p>
              <ul id="private-deliveries">
                {deliveries.rows.map((d) => (
                  <li key={d.parcelCode}>
                    <span className="mono">{d.parcelCode}</span> · {d.pointName} · {t(`parcels.status.${d.status}` as MessageKey)}
                    {d.arrivedAt ? ` · ${t("tracePage.arrivedAt", { at: shanghaiDate(d.arrivedAt) })}` : ""}
                    {d.pickedUpAt ? ` · ${t("tracePage.pickedUpAt", { at: shanghaiDate(d.pickedUpAt) })}` : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>

        <section className="panel" aria-labelledby="inspections-heading" id="inspections">
          <h2 id="inspections-heading">{t("tracePage.inspections")}</h2>
          {page.inspections.length ? (
            <ul>
              {page.inspections.map((i) => (
                <li key={i.seq}>
                  {shanghaiDate(i.occurredAt)} · {t(`traceEvent.kind.${i.kind}` as MessageKey)} ·{" "}
                  <strong className={i.result === "pass" ? "interval-ok" : "interval-bad"}>
                    {i.result === "pass" ? t("tracePage.inspectionPass") : t("tracePage.inspectionFail")}
                  </strong>
                  {i.inspector ? <span className="meta"> · {i.inspector}</span> : null}
                  {i.reportNo ? <span className="meta mono"> · {i.reportNo}</span> : null}
                  {i.certificatePhoto ? (
                    <>
                      {" · "}
                      <a href={`/uploads/${i.certificatePhoto}`}>{t("traceEvent.reportPhoto")}</a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="meta">{t("tracePage.noInspections")}</p>
          )}
        </section>

        <section className="panel" aria-labelledby="certificate-heading" id="certificate">
          <h2 id="certificate-heading">{t("tracePage.certificate")}</h2>
          {certificate ? (
            <>
              <dl className="kv">
                <dt>{t("trace.cert.productName")}</dt>
                <dd>{certificate.productName}</dd>
                <dt>{t("trace.cert.quantity")}</dt>
                <dd>
                  {certificate.quantity} {t(`unit.${certificate.unit}` as MessageKey)}
                </dd>
                <dt>{t("trace.cert.origin")}</dt>
                <dd>{certificate.origin}</dd>
                <dt>{t("trace.cert.entityName")}</dt>
                <dd>{certificate.entityName}</dd>
                <dt>{t("trace.cert.entityContact")}</dt>
                <dd>{certificate.entityContact}</dd>
                <dt>{t("trace.cert.issuedAt")}</dt>
                <dd>{shanghaiDate(certificate.issuedAt)}</dd>
              </dl>
              {certificate.commitment.noBannedOrRestrictedInputs && certificate.commitment.intervalsObserved && certificate.commitment.residueStandardsMet ? (
                <p className="meta">{t("tracePage.certCommitment")}</p>
              ) : (
                <p className="interval-bad">{t("tracePage.certCommitmentIncomplete")}</p>
              )}
            </>
          ) : (
            <p className="meta">{t("tracePage.noCertificate")}</p>
          )}
        </section>

        {page.listings.length ? (
          <section className="panel" aria-labelledby="listings-heading">
            <h2 id="listings-heading">{t("tracePage.listings")}</h2>
            <ul>
              {page.listings.map((l) => (
                <li key={l.id}>
                  <Link to={`/listings/${l.id}`}>{l.title}</Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section className="panel wide" aria-labelledby="report-heading" id="report">
          <h2 id="report-heading">{t("traceReport.title")}</h2>
          <p className="hint">{t("traceReport.lead")}</p>
          {actionData?.sent ? (
            <p className="notice" role="status">
              {t("traceReport.sent")}
            </p>
          ) : null}
          <Form method="post" className="form" {...getFormProps(form)}>
            {formError ? (
              <p className="form-error" role="alert" id={form.errorId}>
                {t(formError as MessageKey)}
              </p>
            ) : null}
            <div className="field">
              <label htmlFor={fields.kind.id}>{t("traceReport.kind")}</label>
              <select {...getSelectProps(fields.kind)}>
                {PROBLEM_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`traceReport.kind.${k}` as MessageKey)}
                  </option>
                ))}
              </select>
              <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
            </div>
            <div className="field">
              <label htmlFor={fields.message.id}>{t("traceReport.message")}</label>
              <textarea {...getTextareaProps(fields.message)} />
              <FieldError id={fields.message.errorId} errors={fields.message.errors} />
            </div>
            <div className="field">
              <label htmlFor={fields.phone.id}>{t("traceReport.phone")}</label>
              <input {...getInputProps(fields.phone, { type: "tel" })} autoComplete="tel" inputMode="tel" />
              <FieldError id={fields.phone.errorId} errors={fields.phone.errors} />
            </div>
            <div className="button-row">
              <button type="submit" className="secondary">
                {t("traceReport.submit")}
              </button>
            </div>
          </Form>
        </section>
      </section>

      <p className="meta" id="scan-count">
        {t("tracePage.scans", { count: page.scans })}
      </p>
      <nav className="trace-links">
        <a href={`/epcis${path}`} type="application/ld+json">
          {t("tracePage.machineReadable")}
        </a>
        <a href={printHref(`/label${path}`)}>{t("tracePage.printLabel")}</a>
        <a href={`/qr${path}.png`}>{t("tracePage.qrPng")}</a>
        <a href={`/qr${path}.svg`}>{t("tracePage.qrSvg")}</a>
      </nav>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
