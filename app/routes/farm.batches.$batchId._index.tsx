import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { shanghaiDate } from "../../core/clock";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/forms";
import { pick, type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { getLocale } from "~/utils/i18n.server";
import { requireRole } from "~/utils/session.server";
import { changeBatchHousehold, getFarmBatch, householdChanges, householdChoices, listingsForBatch, linkListingBatch } from "~/traceability.server";
import { EventButtons, FindingsPanel, Timeline, VerifyBadge } from "~/traceability-ui/components";
import { act, idParam, load } from "~/utils/http.server";
import { lotView, reportsForProducer } from "~/traceability-ui/lot-view.server";
import { BatchHouseholdSchema, isEventFormType, LinkListingSchema, type EventFormType } from "~/traceability-ui/schemas";
import traceStyles from "~/traceability-ui/trace-ui.css";
import { CROPS } from "../../traceability/crops";
import { encodeDigitalLinkValue } from "../../traceability/gtin";

export const meta: MetaFunction = () => [{ title: "批次溯源 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const batchId = idParam(params.batchId);
  const batch = await load(() => getFarmBatch(db, user, batchId));
  const view = lotView(db, batchId, getLocale(request));
  const hasHarvest = view.timeline.some((e) => e.type === "harvest" && !e.retracted);
  let next: EventFormType | null = null;
  if (batch.status === "growing") next = hasHarvest ? "inspection" : "harvest";
  else if (batch.status === "harvested") next = view.findingCodes.includes("no_passing_inspection") ? "inspection" : "packing";
  else if (batch.status === "packed") next = "shipping";
  return {
    batch: {
      id: batch.id,
      lotCode: batch.lotCode,
      gtin: batch.gtin,
      status: batch.status,
      crop: batch.crop,
      productNameZh: batch.productNameZh,
      productNameEn: batch.productNameEn,
      producerNameZh: batch.producerNameZh,
      producerNameEn: batch.producerNameEn,
      plotName: batch.plotName,
      harvestedOn: batch.harvestedAt ? shanghaiDate(batch.harvestedAt) : null,
      quantity: batch.quantity,
      unit: batch.unit,
    },
    tracePath: batch.gtin ? `/01/${batch.gtin}/10/${encodeDigitalLinkValue(batch.lotCode)}` : null,
    timeline: view.timeline,
    verification: view.verification,
    findings: view.findings,
    pendingReview: view.pendingReview,
    // A member household records events; reports, listings and reassignments stay with the managers.
    managed: batch.managed,
    householdName: batch.householdName,
    reassignments: householdChanges(db, batchId).map((c) => ({ ...c, date: shanghaiDate(c.changedAt) })),
    households: batch.managed
      ? householdChoices(db, user)
          .filter((h) => h.producerId === batch.producerId)
          .map((h) => ({ id: h.id, householdName: h.householdName }))
      : [],
    householdId: batch.householdId,
    reports: batch.managed ? reportsForProducer(db, user, { producerId: batch.producerId, batchId }) : [],
    listings: batch.managed ? listingsForBatch(db, batch) : [],
    next,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const batchId = idParam(params.batchId);
  // Membership first: nothing from a stranger is even parsed.
  await load(() => getFarmBatch(db, user, batchId));
  const formData = await request.formData();
  if (formData.get("intent") === "household") {
    const parsed = BatchHouseholdSchema.safeParse({ intent: "household", householdId: formData.get("householdId") || undefined });
    if (!parsed.success) return data({ householdError: "coop.error.householdNotActive" }, { status: 400 });
    return act(
      () => {
        changeBatchHousehold(db, user, batchId, parsed.data.householdId ?? null);
        return redirect(`/farm/batches/${batchId}?notice=household#household`);
      },
      { request, reply: (refusal) => ({ householdError: refusal.text }) },
    );
  }
  const parsed = LinkListingSchema.safeParse({ intent: formData.get("intent"), listingId: Number(formData.get("listingId")) || undefined });
  if (!parsed.success) {
    const message = parsed.error.issues.find((i) => i.path[0] === "listingId")?.message ?? "error.badRequest";
    return data({ linkError: message }, { status: 400 });
  }
  const { listingId } = parsed.data;
  return act(
    () => {
      linkListingBatch(db, user, listingId, batchId);
      return redirect(`/farm/batches/${batchId}?notice=linked#listings`);
    },
    { request, reply: (refusal) => ({ linkError: refusal.text }) },
  );
}

const STATUS_BADGE: Record<string, string> = { growing: "badge muted", harvested: "badge warn", packed: "badge", recalled: "badge danger" };
const NOTICES = ["created", "linked"] as const;
const NOTICE_KEYS = { created: "farmTrace.notice.created", linked: "farmTrace.notice.linked", household: "coop.batch.householdChanged" } as const;

export default function BatchRoute() {
  const t = useT();
  const locale = useLocale();
  const {
    batch,
    tracePath,
    timeline,
    verification,
    findings,
    pendingReview,
    reports,
    listings,
    next,
    managed,
    householdName,
    reassignments,
    households,
    householdId,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as { linkError?: string; householdError?: string } | undefined;
  const [searchParams] = useSearchParams();
  const notice = ([...NOTICES, "household"] as const).find((n) => n === searchParams.get("notice"));
  const recorded = searchParams.get("recorded");
  const crop = batch.crop ? CROPS[batch.crop] : undefined;
  const linked = listings.filter((l) => l.linked);
  const linkable = listings.filter((l) => !l.linked);

  return (
    <section className="tf-page">
      <p>
        <Link to="/farm/batches">← {t("farmTrace.batches.title")}</Link>
      </p>
      {notice ? (
        <p className="notice" role="status">
          {t(NOTICE_KEYS[notice])}
        </p>
      ) : recorded && isEventFormType(recorded) ? (
        <p className="notice" role="status">
          {t("farmTrace.notice.recorded", { what: t(`farmTrace.button.${recorded}`) })}
        </p>
      ) : null}

      <header className="tf-head">
        <h1>
          {pick(locale, batch.productNameZh, batch.productNameEn)}
          {crop ? ` · ${pick(locale, crop.zh, crop.en)}` : batch.crop ? ` · ${batch.crop}` : ""}
        </h1>
        <div className="tf-lot">{t("farmTrace.lotLabel", { lot: batch.lotCode })}</div>
        {batch.gtin ? <div className="tf-gtin">GTIN {batch.gtin}</div> : null}
        <div>
          <span className={STATUS_BADGE[batch.status] ?? "badge muted"}>{t(`farmTrace.status.${batch.status}` as MessageKey)}</span>{" "}
          <VerifyBadge verification={verification} />
        </div>
        <dl className="kv">
          <dt>{t("farmTrace.field.producer")}</dt>
          <dd>{pick(locale, batch.producerNameZh, batch.producerNameEn)}</dd>
          {householdName ? (
            <>
              <dt>{t("coop.batch.household")}</dt>
              <dd data-testid="batch-household">{householdName}</dd>
            </>
          ) : null}
          {batch.plotName ? (
            <>
              <dt>{t("farmTrace.field.plot")}</dt>
              <dd>{batch.plotName}</dd>
            </>
          ) : null}
          {batch.harvestedOn ? (
            <>
              <dt>{t("farmTrace.field.harvestDate")}</dt>
              <dd>
                {batch.harvestedOn}
                {batch.quantity !== null && batch.unit ? ` · ${batch.quantity} ${t(`unit.${batch.unit}`)}` : ""}
              </dd>
            </>
          ) : null}
        </dl>
        {!verification.ok && verification.checked > 0 ? (
          <p className="form-error" role="alert">
            {verification.message}
          </p>
        ) : null}
      </header>

      {pendingReview.length ? (
        <p className="warning" id="pending-review" role="status">
          <strong>{t("farmTrace.pendingReview")}</strong>: {t("farmTrace.pendingReviewHint")}
        </p>
      ) : null}
      {!managed ? <p className="hint">{t("coop.batch.memberView")}</p> : null}
      <FindingsPanel findings={findings} batchId={batch.id} />

      {batch.status !== "recalled" ? (
        <>
          <h2>{t("farmTrace.batch.recordNext")}</h2>
          <EventButtons batchId={batch.id} next={next} hasEvents={timeline.length > 0} />
        </>
      ) : (
        <p className="form-error">{t("farmTrace.batch.recalled")}</p>
      )}

      <h2 id="timeline">{t("farmTrace.timeline.title")}</h2>
      <Timeline items={timeline} batchId={batch.status !== "recalled" ? batch.id : undefined} />

      {reassignments.length || households.length ? (
        <section id="household" aria-labelledby="household-heading">
          <h2 id="household-heading">{t("coop.batch.household")}</h2>
          {reassignments.map((c, n) => (
            <p key={n} className="meta">
              {t("tracePage.householdChanged", {
                date: c.date,
                from: c.fromName ?? t("tracePage.householdNone"),
                to: c.toName ?? t("tracePage.householdNone"),
              })}
            </p>
          ))}
          {households.length ? (
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="household" />
              <div className="field">
                <label htmlFor="batch-household-select">{t("coop.batch.changeHousehold")}</label>
                <select id="batch-household-select" name="householdId" defaultValue={householdId ?? ""}>
                  <option value="">{t("coop.batch.householdNone")}</option>
                  {households.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.householdName}
                    </option>
                  ))}
                </select>
                <p className="hint">{t("coop.batch.changeHint")}</p>
                <FieldError errors={actionData?.householdError ? [actionData.householdError] : null} />
              </div>
              <div className="tf-submit">
                <button type="submit" className="button secondary">
                  {t("coop.batch.changeSubmit")}
                </button>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}

      {managed ? (
        <>
          <h2 id="reports">{t("farmTrace.reports.title")}</h2>
          {reports.length === 0 ? (
            <p className="hint">{t("farmTrace.reports.empty")}</p>
          ) : (
            <ul className="report-list">
              {reports.map((r) => (
                <li key={r.id} className="panel" data-report={r.id}>
                  <p>
                    <span className={r.status === "closed" ? "badge muted" : "badge warn"}>{t(`inspect.reports.status.${r.status}` as MessageKey)}</span>{" "}
                    <strong>{t(`traceReport.kind.${r.kind}` as MessageKey)}</strong> · {shanghaiDate(r.createdAt)}
                  </p>
                  <p>{r.message}</p>
                  {r.note ? <p className="meta">{t("farmTrace.reports.note", { note: r.note })}</p> : null}
                </li>
              ))}
            </ul>
          )}

          <h2 id="listings">{t("farmTrace.link.title")}</h2>
          <p className="hint">{t("farmTrace.link.lead")}</p>
          {linked.length ? (
            <ul className="tf-linked">
              {linked.map((l) => (
                <li key={l.id}>
                  ✓ <Link to={`/farm/listings/${l.id}/edit`}>{l.title}</Link> <span className="badge muted">{t(`status.${l.status}`)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="hint">{t("farmTrace.link.none")}</p>
          )}
          {linkable.length ? (
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="link" />
              <div className="field">
                <label htmlFor="link-listing">{t("farmTrace.link.choose")}</label>
                <select id="link-listing" name="listingId" required defaultValue="">
                  <option value="">{t("farmTrace.choose")}</option>
                  {linkable.map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.title} · {t(`status.${l.status}`)}
                    </option>
                  ))}
                </select>
                <FieldError errors={actionData?.linkError ? [actionData.linkError] : null} />
              </div>
              <div className="tf-submit">
                <button type="submit" className="button secondary">
                  {t("farmTrace.link.submit")}
                </button>
              </div>
            </Form>
          ) : (
            <p className="hint">
              {t("farmTrace.link.noneToLink")} <Link to="/farm/listings/new">{t("farm.newListing")}</Link>
            </p>
          )}
        </>
      ) : null}

      {tracePath ? (
        <p>
          <a href={tracePath}>{t("farmTrace.batch.tracePage")}</a>
        </p>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
