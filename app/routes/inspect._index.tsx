/**
 * /inspect: the inspector's lot search (GET form), the corrections awaiting review (待审核更正),
 * consumers' reports (status and note, recall from a report) and the open recalls.
 * Inspectors and platform admins only.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { formatDate, formatDateTime } from "~/inspect/format";
import { InspectInboxSchema, LotSearchSchema } from "~/inspect/schemas";
import { getDb } from "~/utils/db.server";
import { act, ruleText } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { requireRole } from "~/utils/session.server";
import { correctionReviewQueue, listRecalls, openRecallFromReport, reportInbox, reviewCorrection, searchLots, updateReport } from "~/inspect/inspect.server";

export const meta: MetaFunction = () => [{ title: "批次监管与召回 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "inspector", "platform_admin");
  const url = new URL(request.url);
  const { q } = LotSearchSchema.parse({ q: url.searchParams.get("q") ?? undefined });
  const db = getDb();
  return {
    q: q ?? "",
    results: q ? searchLots(db, q) : null,
    recalls: listRecalls(db, { open: true }),
    corrections: correctionReviewQueue(db, user),
    reports: reportInbox(db, user),
    done: url.searchParams.get("done"),
  };
}

/** A refused inbox action: which form (`review-<lot>-<seq>`, `report-<id>`, `recall-<id>`), the field, the message. */
type InboxError = { form: string | null; field: "note" | "status" | "reason" | null; text: string };

const FIELD_OF_MESSAGE: Record<string, InboxError["field"]> = {
  "correctionReview.error.note": "note",
  "reports.error.status": "status",
  "reports.error.note": "note",
  "recall.error.reason": "reason",
  "recall.error.reasonRequired": "reason",
  "recall.error.reasonTooLong": "reason",
};

/** The form a posted body belongs to, read from its hidden ids (even when the rest did not parse). */
function formOf(formData: FormData): string | null {
  const intent = String(formData.get("intent") ?? "");
  if (intent === "review") return `review-${String(formData.get("batchId") ?? "")}-${String(formData.get("correctionSeq") ?? "")}`;
  if (intent === "report" || intent === "recall") return `${intent}-${String(formData.get("reportId") ?? "")}`;
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "inspector", "platform_admin");
  const formData = await request.formData();
  const form = formOf(formData);
  const locale = getLocale(request);
  const submission = parseWithZod(formData, { schema: InspectInboxSchema });
  if (submission.status !== "success") {
    const [path, messages] = Object.entries(submission.error ?? {}).find(([, m]) => m && m.length) ?? ["", ["error.badRequest"]];
    const key = messages![0];
    const field = FIELD_OF_MESSAGE[key] ?? (path === "note" || path === "status" || path === "reason" ? path : null);
    return data<{ error: InboxError }>({ error: { form, field, text: ruleText(key, { max: 500 }, locale) } }, { status: 400 });
  }
  const v = submission.value;
  const db = getDb();
  return act(
    () => {
      if (v.intent === "review") {
        reviewCorrection(db, user, { batchId: v.batchId, correctionSeq: v.correctionSeq, decision: v.decision, note: v.note });
        return redirect("/inspect?done=review#corrections");
      }
      if (v.intent === "report") {
        updateReport(db, user, { reportId: v.reportId, status: v.status, note: v.note ?? null });
        return redirect("/inspect?done=report#reports");
      }
      const r = openRecallFromReport(db, user, v.reportId, v.reason);
      return redirect(`/inspect/recalls/${r.recallId}?opened=1`);
    },
    {
      request,
      reply: (refusal): { error: InboxError } => ({ error: { form, field: FIELD_OF_MESSAGE[refusal.messageKey] ?? null, text: refusal.text } }),
    },
  );
}

/** The message under one field of one form, when the last refusal was about it. */
function InboxFieldError({ error, form, field }: { error: InboxError | undefined; form: string; field: InboxError["field"] }) {
  if (!error || error.form !== form || error.field !== field) return null;
  return (
    <p className="field-error" id={`${form}-${field}-error`} role="alert">
      {error.text}
    </p>
  );
}

export default function InspectRoute() {
  const t = useT();
  const locale = useLocale();
  const { q, results, recalls, corrections, reports, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { error?: InboxError } | undefined;
  const error = actionData?.error;
  // A message that belongs to no field of a form on this page is shown above them.
  const pageError = error && !(error.form && error.field) ? error.text : null;
  const openReports = reports.filter((r) => r.status !== "closed").length;
  return (
    <section>
      <h1>{t("inspect.title")}</h1>
      <p className="hint">{t("inspect.intro")}</p>
      <p>
        <Link to="/inspect/inputs">{t("inputsMarket.trace.title")} →</Link>
      </p>
      {pageError ? (
        <p className="form-error" role="alert">
          {pageError}
        </p>
      ) : done ? (
        <p className="notice" role="status">
          {t(done === "review" ? "inspect.corrections.done" : "inspect.reports.saved")}
        </p>
      ) : null}

      <h2 id="corrections">{t("inspect.corrections.title")}</h2>
      <p className="hint">{t("inspect.corrections.intro")}</p>
      {corrections.length === 0 ? (
        <p className="hint">{t("inspect.corrections.empty")}</p>
      ) : (
        <ul className="recall-list correction-queue">
          {corrections.map((c) => (
            <li key={`${c.batchId}-${c.correction.seq}`} className="panel" data-lot={c.lotCode}>
              <p>
                <Link to={`/inspect/lots/${c.batchId}`}>
                  <strong>{locale === "en" && c.productEn ? c.productEn : c.productZh}</strong> · <span className="mono">{c.lotCode}</span>
                </Link>{" "}
                · {c.producerZh}
              </p>
              {c.target ? (
                <p>
                  <del>
                    {t("inspect.corrections.record", {
                      seq: c.target.seq,
                      type: t(`farmTrace.event.${c.target.type}` as MessageKey),
                      date: formatDate(c.target.occurredAt, locale),
                    })}
                    {typeof c.target.payload.productName === "string" ? ` · ${c.target.payload.productName}` : ""}
                  </del>
                </p>
              ) : null}
              <p>
                <strong>
                  {c.correction.kinds.includes("retract")
                    ? t("tracePage.correction.retract", { seq: c.correction.seq })
                    : c.correction.newOccurredAt !== null
                      ? t("tracePage.correction.redate", { seq: c.correction.seq, date: formatDate(c.correction.newOccurredAt, locale) })
                      : t("tracePage.correction.replace", { seq: c.correction.seq })}
                </strong>
              </p>
              <p>{t("tracePage.correction.reason", { reason: c.correction.reason })}</p>
              <p className="meta">{formatDateTime(c.correction.recordedAt, locale)}</p>
              {c.correction.evidencePhoto ? (
                <p>
                  <a href={`/uploads/${c.correction.evidencePhoto}`}>
                    <img
                      className="evidence-photo"
                      src={`/uploads/${c.correction.evidencePhoto}`}
                      alt={t("inspect.corrections.evidence")}
                      loading="lazy"
                      style={{ maxWidth: "100%", maxHeight: "12rem" }}
                    />
                  </a>
                </p>
              ) : null}
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="review" />
                <input type="hidden" name="batchId" value={c.batchId} />
                <input type="hidden" name="correctionSeq" value={c.correction.seq} />
                <div className="field">
                  <label htmlFor={`note-${c.batchId}-${c.correction.seq}`}>{t("inspect.corrections.note")}</label>
                  <textarea id={`note-${c.batchId}-${c.correction.seq}`} name="note" rows={2} maxLength={500} required />
                  <InboxFieldError error={error} form={`review-${c.batchId}-${c.correction.seq}`} field="note" />
                </div>
                <div className="button-row">
                  <button type="submit" name="decision" value="accepted" className="primary">
                    {t("inspect.corrections.accept")}
                  </button>
                  <button type="submit" name="decision" value="rejected">
                    {t("inspect.corrections.reject")}
                  </button>
                </div>
              </Form>
            </li>
          ))}
        </ul>
      )}

      <h2 id="reports">
        {t("inspect.reports.title")} {openReports ? <span className="badge warning">{t("inspect.reports.open", { count: openReports })}</span> : null}
      </h2>
      {reports.length === 0 ? (
        <p className="hint">{t("inspect.reports.empty")}</p>
      ) : (
        <ul className="recall-list report-inbox">
          {reports.map((r) => (
            <li key={r.id} className="panel" data-report={r.id} data-status={r.status}>
              <p>
                <span className={r.status === "closed" ? "badge muted" : "badge warning"}>{t(`inspect.reports.status.${r.status}` as MessageKey)}</span>{" "}
                <strong>{t(`traceReport.kind.${r.kind}` as MessageKey)}</strong> · {locale === "en" && r.productEn ? r.productEn : r.productZh} ·{" "}
                <span className="mono">{r.lotCode}</span> · {r.producerZh}
              </p>
              <p>{r.message}</p>
              <p className="meta">
                {formatDateTime(r.createdAt, locale)}
                {r.contactPhone ? ` · ${t("inspect.reports.contact", { phone: r.contactPhone })}` : ""}
              </p>
              <p>
                <Link to={`/inspect/lots/${r.batchId}`}>{t("inspect.reports.lot")}</Link>
                {r.recallId ? (
                  <>
                    {" · "}
                    <Link to={`/inspect/recalls/${r.recallId}`}>{t("inspect.reports.viewRecall")}</Link>
                  </>
                ) : null}
              </p>
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="report" />
                <input type="hidden" name="reportId" value={r.id} />
                <div className="field">
                  <label htmlFor={`status-${r.id}`}>{t("inspect.reports.status")}</label>
                  <select id={`status-${r.id}`} name="status" defaultValue={r.status}>
                    {(["open", "in_progress", "closed"] as const).map((s) => (
                      <option key={s} value={s}>
                        {t(`inspect.reports.status.${s}` as MessageKey)}
                      </option>
                    ))}
                  </select>
                  <InboxFieldError error={error} form={`report-${r.id}`} field="status" />
                </div>
                <div className="field">
                  <label htmlFor={`rnote-${r.id}`}>{t("inspect.reports.note")}</label>
                  <textarea id={`rnote-${r.id}`} name="note" rows={2} maxLength={500} defaultValue={r.note ?? ""} />
                  <InboxFieldError error={error} form={`report-${r.id}`} field="note" />
                </div>
                <div className="button-row">
                  <button type="submit">{t("inspect.reports.save")}</button>
                </div>
              </Form>
              {r.recallId ? null : (
                <details open={error?.form === `recall-${r.id}` || undefined}>
                  <summary>{t("inspect.reports.recall")}</summary>
                  <Form method="post" className="form">
                    <input type="hidden" name="intent" value="recall" />
                    <input type="hidden" name="reportId" value={r.id} />
                    <div className="field">
                      <label htmlFor={`rreason-${r.id}`}>{t("inspect.reports.recallReason")}</label>
                      <textarea id={`rreason-${r.id}`} name="reason" rows={2} maxLength={500} required defaultValue={r.message.slice(0, 500)} />
                      <InboxFieldError error={error} form={`recall-${r.id}`} field="reason" />
                    </div>
                    <div className="button-row">
                      <button type="submit" className="primary danger">
                        {t("recall.open.submit")}
                      </button>
                    </div>
                  </Form>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}

      <Form method="get" role="search" className="form">
        <div className="field">
          <label htmlFor="lot-q">{t("inspect.search.label")}</label>
          <input id="lot-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="lot-q-hint" />
          <p className="hint" id="lot-q-hint">
            {t("inspect.search.hint")}
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="primary">
            {t("inspect.search.submit")}
          </button>
        </div>
      </Form>

      {results ? (
        results.length === 0 ? (
          <p className="panel">{t("inspect.search.none", { q })}</p>
        ) : (
          <>
            <h2>{t("inspect.search.results", { q, count: results.length })}</h2>
            <div className="table-wrap">
              <table className="lot-results">
                <thead>
                  <tr>
                    <th>{t("inspect.col.lot")}</th>
                    <th>{t("inspect.col.product")}</th>
                    <th>{t("inspect.col.producer")}</th>
                    <th>{t("inspect.col.harvested")}</th>
                    <th>{t("inspect.col.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {results.map((r) => (
                    <tr key={r.id}>
                      <td className="mono">
                        <Link to={`/inspect/lots/${r.id}`}>{r.lotCode}</Link>
                        {r.gtin ? (
                          <>
                            <br />
                            <span className="meta">{r.gtin}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{locale === "en" && r.productEn ? r.productEn : r.productZh}</td>
                      <td>{r.producerZh}</td>
                      <td>{formatDate(r.harvestedAt, locale)}</td>
                      <td>
                        <span className={r.status === "recalled" ? "badge danger" : "badge muted"}>{t(`inspect.batchStatus.${r.status}` as MessageKey)}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )
      ) : null}

      <h2>{t("inspect.recalls.title")}</h2>
      {recalls.length === 0 ? (
        <p className="hint">{t("inspect.recalls.empty")}</p>
      ) : (
        <ul className="recall-list">
          {recalls.map((r) => (
            <li key={r.id} className="panel">
              <Link to={`/inspect/recalls/${r.id}`}>
                <strong>{locale === "en" && r.productEn ? r.productEn : r.productZh}</strong> · <span className="mono">{r.lotCode}</span>
              </Link>
              <p className="meta">
                {r.producerZh} · {t("inspect.recalls.opened", { name: r.openedByName, at: formatDateTime(r.openedAt, locale) })}
              </p>
              <p>{r.reason}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
