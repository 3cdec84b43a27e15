/**
 * /inspect/lots/:batchId: a lot as an inspector sees it — summary, strict chain verification,
 * compliance findings, who bought it — and the "open recall" form (POST reason).
 */
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors } from "~/components/forms";
import { type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { AffectedBuyers, AffectedDeliveryPoints, AffectedListings, AffectedOrders, AffectedTotals } from "~/inspect/components";
import { formatDate, formatDateTime } from "~/inspect/format";
import { inspectLot, openRecall } from "~/inspect/inspect.server";
import { OpenRecallSchema, RECALL_REASON_MAX } from "~/inspect/schemas";
import { getDb } from "~/utils/db.server";
import { getStripe, refundRecall } from "~/market.server";
import { logger } from "~/kernel.server";
import { shanghaiDayRange } from "../../core/clock";
import { getLocale } from "~/utils/i18n.server";
import { requireRole } from "~/utils/session.server";
import { act } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data && "lot" in data ? data.lot.lotCode : ""} · 批次监管 · 村品` }];

const BatchId = z.coerce.number().int().positive();

function batchIdOf(params: { batchId?: string }): number {
  const parsed = BatchId.safeParse(params.batchId);
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  return parsed.data;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "inspector", "platform_admin");
  const view = inspectLot(getDb(), batchIdOf(params), getLocale(request));
  if (!view) throw new Response("error.notFound", { status: 404 });
  return view;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "inspector", "platform_admin");
  const batchId = batchIdOf(params);
  const submission = parseWithZod(await request.formData(), { schema: OpenRecallSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { reason, grade, deadline } = submission.value;
  const day = deadline ? shanghaiDayRange(deadline) : null;
  if (deadline && !day) return data({ result: submission.reply({ fieldErrors: { deadline: ["recall.error.deadline"] } }) }, { status: 400 });
  const db = getDb();
  return act(
    async () => {
      const r = openRecall(db, user, batchId, { reason, grade: grade as 1 | 2 | 3, deadlineAt: day ? day.end - 1 : null });
      // The money follows the recall (market/orders/recall-refunds.ts); a Stripe hiccup is retried by reconcile.
      await refundRecall(db, getStripe(), r.recallId).catch((err) => logger.error({ err, recallId: r.recallId }, "recall refunds: retried by reconcile"));
      return redirect(`/inspect/recalls/${r.recallId}?opened=1`);
    },
    { request, submission },
  );
}

type ActionData = { result: SubmissionResult<string[]> };

function RecallForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "open-recall",
    lastResult,
    constraint: getZodConstraint(OpenRecallSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OpenRecallSchema }),
    // onInput: the error goes away while typing, so the submit button does not move under the pointer.
    shouldRevalidate: "onInput",
  });
  const formErrors = form.errors ?? [];
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={formErrors} />
      <div className="field">
        <label htmlFor={fields.reason.id}>{t("recall.open.reason")}</label>
        <textarea {...getTextareaProps(fields.reason)} rows={3} maxLength={RECALL_REASON_MAX} aria-describedby={`${fields.reason.id}-hint`} />
        <p className="hint" id={`${fields.reason.id}-hint`}>
          {t("recall.open.reasonHint")}
        </p>
        <FieldError id={fields.reason.errorId} errors={fields.reason.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.grade.id}>{t("recall.grade.label")}</label>
        <select {...getSelectProps(fields.grade)} defaultValue={fields.grade.initialValue ?? "1"} aria-describedby={`${fields.grade.id}-hint`}>
          {[1, 2, 3].map((g) => (
            <option key={g} value={g}>
              {t(`recall.grade.${g}` as MessageKey)}
            </option>
          ))}
        </select>
        <p className="hint" id={`${fields.grade.id}-hint`}>
          {t("recall.grade.hint")}
        </p>
        <FieldError id={fields.grade.errorId} errors={fields.grade.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.deadline.id}>{t("recall.deadline.label")}</label>
        <input {...getInputProps(fields.deadline, { type: "date" })} aria-describedby={`${fields.deadline.id}-hint`} />
        <p className="hint" id={`${fields.deadline.id}-hint`}>
          {t("recall.deadline.hint")}
        </p>
        <FieldError id={fields.deadline.errorId} errors={fields.deadline.errors} />
      </div>
      <div className="button-row">
        <button type="submit" className="primary danger">
          {t("recall.open.submit")}
        </button>
      </div>
    </Form>
  );
}

export default function InspectLotRoute() {
  const t = useT();
  const locale = useLocale();
  const { lot, tracePath, recall, chain, findings, corrections, affected } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const product = locale === "en" && lot.productEn ? lot.productEn : lot.productZh;
  return (
    <section className="inspect-lot">
      <p>
        <Link to="/inspect">← {t("inspect.lot.back")}</Link>
      </p>
      <h1>
        {t("inspect.lot.title", { lot: lot.lotCode })} · {product}
      </h1>

      {recall ? (
        <p className="form-error recall-banner">
          {t("inspect.lot.recalled", { at: formatDateTime(recall.openedAt, locale), reason: recall.reason })}{" "}
          <Link to={`/inspect/recalls/${recall.id}`}>{t("inspect.lot.viewRecall")}</Link>
        </p>
      ) : null}

      <h2>{t("inspect.lot.summary")}</h2>
      <dl className="kv panel">
        <dt>{t("inspect.lot.product")}</dt>
        <dd>{product}</dd>
        <dt>{t("inspect.lot.gtin")}</dt>
        <dd className="mono">{lot.gtin ?? "—"}</dd>
        <dt>{t("inspect.lot.harvested")}</dt>
        <dd>{formatDate(lot.harvestedAt, locale) || "—"}</dd>
        <dt>{t("inspect.lot.quantity")}</dt>
        <dd>{lot.quantity != null ? `${lot.quantity} ${lot.unit ? t(`unit.${lot.unit}` as MessageKey) : ""}` : "—"}</dd>
        <dt>{t("inspect.lot.producer")}</dt>
        <dd>
          <Link to={`/producers/${lot.producerId}`}>{locale === "en" && lot.producerEn ? lot.producerEn : lot.producerZh}</Link>
        </dd>
        <dt>{t("inspect.lot.creditCode")}</dt>
        <dd className="mono">{lot.creditCode}</dd>
        <dt>{t("inspect.lot.origin")}</dt>
        <dd>{[lot.provinceZh, lot.countyZh, lot.villageZh].filter(Boolean).join(" ") || "—"}</dd>
        {lot.plotName ? (
          <>
            <dt>{t("inspect.lot.plot")}</dt>
            <dd>{lot.plotName}</dd>
          </>
        ) : null}
        <dt>{t("inspect.lot.status")}</dt>
        <dd>
          <span className={lot.status === "recalled" ? "badge danger" : "badge muted"}>{t(`inspect.batchStatus.${lot.status}` as MessageKey)}</span>
        </dd>
      </dl>
      {tracePath ? (
        <p>
          <a href={tracePath}>{t("inspect.lot.tracePage")}</a>
        </p>
      ) : null}

      <h2>{t("inspect.lot.chain")}</h2>
      {chain.state === "ok" ? (
        <p className="notice chain-status" data-state="ok">
          {chain.message} {t("inspect.lot.chainChecked", { checked: chain.checked })}
        </p>
      ) : chain.state === "failed" ? (
        <p className="form-error chain-status" data-state="failed">
          {chain.message}
        </p>
      ) : (
        <p className="warning chain-status" data-state={chain.state}>
          {t(chain.state === "empty" ? "inspect.lot.chainEmpty" : "inspect.lot.chainUnavailable")}
        </p>
      )}

      <h2>{t("inspect.lot.compliance")}</h2>
      {findings === null ? (
        <p className="warning">{t("inspect.lot.complianceUnavailable")}</p>
      ) : findings.length === 0 ? (
        <p className="notice">{t("inspect.lot.complianceOk")}</p>
      ) : (
        <ul className="findings">
          {findings.map((f, i) => (
            <li key={i} className="warning">
              {f.message}
            </li>
          ))}
        </ul>
      )}

      <h2 id="corrections">{t("inspect.lot.corrections")}</h2>
      {corrections === null ? (
        <p className="warning">{t("inspect.lot.chainUnavailable")}</p>
      ) : corrections.length === 0 ? (
        <p className="hint">{t("inspect.lot.correctionsEmpty")}</p>
      ) : (
        <ul className="recall-list lot-corrections">
          {corrections.map((r) => {
            const record = (
              <>
                {t("inspect.corrections.record", { seq: r.seq, type: t(`farmTrace.event.${r.type}` as MessageKey), date: formatDate(r.occurredAt, locale) })}
                {r.productName ? ` · ${r.productName}` : ""}
              </>
            );
            return (
              <li key={r.seq} className="panel" data-seq={r.seq} data-outcome={r.outcome ?? "none"}>
                <p>
                  {/* The original stays readable: struck through once a retraction is in force. */}
                  {r.outcome === "retracted" ? <del>{record}</del> : record}{" "}
                  {r.outcome ? (
                    <span className="badge muted">
                      {r.outcome === "retracted" ? t("tracePage.retracted") : t("tracePage.corrected", { seqs: r.corrections.map((c) => c.seq).join(", ") })}
                    </span>
                  ) : null}
                </p>
                <ul className="corrections">
                  {r.corrections.map((c) => (
                    <li key={c.seq} className="correction" data-correction-seq={c.seq} data-status={c.status}>
                      <p>
                        <strong>
                          {c.kinds.includes("retract")
                            ? t("tracePage.correction.retract", { seq: c.seq })
                            : c.newOccurredAt !== null
                              ? t("tracePage.correction.redate", { seq: c.seq, date: formatDate(c.newOccurredAt, locale) })
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
                          at: formatDateTime(c.recordedAt, locale),
                        })}
                      </p>
                      {c.evidencePhoto ? (
                        <p>
                          <a href={`/uploads/${c.evidencePhoto}`}>{t("inspect.corrections.evidence")}</a>
                        </p>
                      ) : null}
                      {c.review ? (
                        <p className="meta">{t("tracePage.correction.review", { at: formatDateTime(c.review.recordedAt, locale), note: c.review.note })}</p>
                      ) : null}
                      {c.status === "pending" ? (
                        <p>
                          <Link to="/inspect#corrections">{t("inspect.corrections.title")}</Link>
                        </p>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}

      <h2>{t("inspect.lot.listings")}</h2>
      <AffectedListings affected={affected} />

      <h2>{t("inspect.lot.sales")}</h2>
      <AffectedTotals affected={affected} />
      <AffectedOrders affected={affected} />
      <AffectedBuyers affected={affected} />
      <AffectedDeliveryPoints affected={affected} />

      {recall ? null : (
        <section className="panel recall-open" aria-labelledby="recall-open-title">
          <h2 id="recall-open-title">{t("recall.open.title")}</h2>
          <p className="hint">{t("recall.open.hint")}</p>
          <RecallForm lastResult={actionData?.result} />
        </section>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
