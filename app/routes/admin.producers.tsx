import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { formatDateTime } from "~/inspect/format";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors } from "~/components/forms";
import { type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { ReviewProducerSchema } from "~/listings/schemas";
import { decideLicence, getProducerReviewQueue, listProducersForAdmin, reviewProducer, setPovertyAlleviation } from "~/market.server";
import { CreditPanel } from "~/credit-ui/credit-panel";
import { DecisionHistory } from "~/credit-ui/decision-history";
import { LicenceDecisionSchema, PovertySchema } from "~/credit-ui/schemas";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { act, formReply } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "生产者审核与信用 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  // Credit and verification (issue 12 §2): every producer with its score, licence and decision history.
  return { ...getProducerReviewQueue(getDb(), user), producers: listProducersForAdmin(getDb(), user), viewerProducerIds: user.producerIds };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "licence" || intent === "poverty") return creditAction(request, user, formData, intent);
  const submission = parseWithZod(formData, { schema: ReviewProducerSchema });
  const producerId = Number(formData.get("producerId")) || null;
  if (submission.status !== "success") {
    return data({ producerId, result: submission.reply() }, { status: 400 });
  }
  const { decision, note } = submission.value;
  return act(
    () => {
      reviewProducer(getDb(), user, submission.value.producerId, decision, note);
      return redirect(`/admin/producers?reviewed=${submission.value.producerId}`);
    },
    { request, reply: (refusal) => ({ producerId, result: formReply(submission, refusal) }) },
  );
}

/** Licence decisions and the poverty-alleviation designation (issue 12 §2). */
async function creditAction(request: Request, user: Awaited<ReturnType<typeof requireRole>>, formData: FormData, intent: "licence" | "poverty") {
  const producerId = Number(formData.get("producerId")) || null;
  const submission = parseWithZod(formData, { schema: intent === "licence" ? LicenceDecisionSchema : PovertySchema });
  if (submission.status !== "success") return data({ producerId, intent, result: submission.reply() }, { status: 400 });
  const v = submission.value;
  return act(
    () => {
      if (v.intent === "licence") decideLicence(getDb(), user, v.producerId, v.decision, v.note);
      else setPovertyAlleviation(getDb(), user, v.producerId, v.designation === "set", v.reason);
      return redirect(`/admin/producers?decided=${v.producerId}#producer-${v.producerId}`);
    },
    { request, reply: (refusal) => ({ producerId, intent, result: formReply(submission, refusal) }) },
  );
}

type LoaderData = ReturnType<typeof getProducerReviewQueue> & {
  producers: ReturnType<typeof listProducersForAdmin>;
  viewerProducerIds: readonly number[];
};
/** Typed by hand: env.d.ts does not declare the single-fetch Future flag. */
type ActionData = { producerId: number | null; intent?: "licence" | "poverty"; result: SubmissionResult<string[]> };

function ReviewForm({ producer, lastResult }: { producer: LoaderData["pending"][number]; lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: `review-${producer.id}`,
    lastResult,
    constraint: getZodConstraint(ReviewProducerSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewProducerSchema }),
    shouldRevalidate: "onBlur",
  });
  const formErrors = form.errors ?? [];
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={formErrors} />
      <input type="hidden" name="producerId" value={producer.id} />
      <div className="field">
        <label htmlFor={fields.note.id}>{t("admin.producers.note")}</label>
        <textarea {...getTextareaProps(fields.note)} rows={2} aria-describedby={`${fields.note.id}-hint`} />
        <p className="hint" id={`${fields.note.id}-hint`}>
          {t("admin.producers.noteHint")}
        </p>
        <FieldError id={fields.note.errorId} errors={fields.note.errors} />
      </div>
      <div className="button-row">
        <button type="submit" name="decision" value="approved" className="primary">
          {t("admin.approve")}
        </button>
        <button type="submit" name="decision" value="rejected" className="button secondary">
          {t("admin.reject")}
        </button>
      </div>
    </Form>
  );
}

export default function AdminProducersRoute() {
  const t = useT();
  const locale = useLocale();
  const { pending, recent, producers, viewerProducerIds } = useLoaderData<typeof loader>() as unknown as LoaderData;
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [searchParams] = useSearchParams();
  const reviewedId = Number(searchParams.get("reviewed"));
  const reviewed = actionData ? undefined : recent.find((p) => p.id === reviewedId);

  return (
    <section>
      <h1>{t("admin.producers.title")}</h1>
      <p className="hint">{t("admin.producers.intro")}</p>
      {reviewed && (reviewed.creditCodeStatus === "approved" || reviewed.creditCodeStatus === "rejected") ? (
        <p className="notice" role="status">
          {t(`admin.notice.${reviewed.creditCodeStatus}`, { name: reviewed.nameZh })}
        </p>
      ) : null}

      {pending.length === 0 ? (
        <p className="panel">{t("admin.producers.empty")}</p>
      ) : (
        <ul className="review-queue">
          {pending.map((p) => (
            <li key={p.id} className="panel">
              <h2>
                {p.nameZh} <span className="badge warn">{t(`producerKind.${p.kind}` as MessageKey)}</span>
              </h2>
              <dl className="kv">
                <dt>{t("admin.producers.code")}</dt>
                <dd className="mono">
                  {p.creditCode.slice(0, 17)}
                  <mark>{p.creditCode.slice(17)}</mark>
                </dd>
                <dt>{t("admin.producers.checkGiven")}</dt>
                <dd className="mono">{p.creditCode.slice(17)}</dd>
                <dt>{t("admin.producers.checkExpected")}</dt>
                <dd className="mono">{p.expectedCheck ?? "—"}</dd>
                <dt>{t("admin.producers.address")}</dt>
                <dd>{p.address}</dd>
                {p.contactPhone ? (
                  <>
                    <dt>{t("admin.producers.phone")}</dt>
                    <dd>{p.contactPhone}</dd>
                  </>
                ) : null}
                <dt>{t("admin.producers.submittedAt")}</dt>
                <dd>{formatDateTime(p.createdAt, locale)}</dd>
              </dl>
              <ReviewForm producer={p} lastResult={actionData?.producerId === p.id ? actionData.result : undefined} />
            </li>
          ))}
        </ul>
      )}

      <ProducerCreditSection
        producers={producers}
        viewerProducerIds={viewerProducerIds}
        actionData={actionData}
        decidedId={Number(searchParams.get("decided"))}
      />

      <h2>{t("admin.recent")}</h2>
      {recent.length === 0 ? (
        <p className="hint">{t("admin.recentEmpty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("producer.field.name")}</th>
                <th>{t("admin.producers.code")}</th>
                <th>{t("admin.producers.note")}</th>
                <th>{t("admin.reviewedBy")}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.nameZh}
                    <br />
                    <span className={p.creditCodeStatus === "approved" ? "badge" : "badge muted"}>
                      {t(`admin.decision.${p.creditCodeStatus}` as MessageKey)}
                    </span>
                  </td>
                  <td className="mono">{p.creditCode}</td>
                  <td>{p.reviewNote}</td>
                  <td>
                    {p.reviewerName}
                    <br />
                    <span className="meta">{formatDateTime(p.reviewedAt, locale)}</span>
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

function CreditForm({
  producerId,
  intent,
  lastResult,
  children,
}: {
  producerId: number;
  intent: "licence" | "poverty";
  lastResult?: SubmissionResult<string[]>;
  children: (field: { noteName: string; noteId: string }) => React.ReactNode;
}) {
  const schema = intent === "licence" ? LicenceDecisionSchema : PovertySchema;
  // Both forms have one text field: the licence decision's note, the designation's reason.
  const [form, fields] = useForm<{ note?: string; reason?: string }>({
    id: `${intent}-${producerId}`,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: "onBlur",
  });
  const noteField = intent === "licence" ? fields.note : fields.reason;
  return (
    <Form method="post" className="form" {...getFormProps(form)} data-testid={`${intent}-form-${producerId}`}>
      <FormErrors id={form.errorId} errors={form.errors ?? []} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="producerId" value={producerId} />
      {children({ noteName: noteField.name, noteId: noteField.id })}
      <FieldError id={noteField.errorId} errors={noteField.errors} />
    </Form>
  );
}

function ProducerCreditSection({
  producers,
  viewerProducerIds,
  actionData,
  decidedId,
}: {
  producers: LoaderData["producers"];
  viewerProducerIds: readonly number[];
  actionData?: ActionData;
  decidedId: number;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="credit-admin-heading">
      <h2 id="credit-admin-heading">{t("adminCredit.title")}</h2>
      <ul className="credit-admin-list">
        {producers.map((p) => {
          const own = viewerProducerIds.includes(p.id);
          const lastFor = (intent: "licence" | "poverty") => (actionData?.producerId === p.id && actionData.intent === intent ? actionData.result : undefined);
          return (
            <li key={p.id} id={`producer-${p.id}`} className="panel" data-testid={`admin-producer-${p.id}`}>
              <h3>
                {p.nameZh} {p.verification.povertyAlleviation ? <span className="badge poverty">{t("credit.povertyBadge")}</span> : null}
              </h3>
              {decidedId === p.id && !actionData ? (
                <p className="notice" role="status">
                  {t("adminCredit.decided")}
                </p>
              ) : null}
              <dl className="kv">
                <dt>{t("adminCredit.licence")}</dt>
                <dd>
                  {t(`verification.status.${p.verification.licenceStatus}` as const)}
                  {p.verification.licencePhotoUrl ? (
                    <>
                      {" · "}
                      <a href={p.verification.licencePhotoUrl}>{t("verification.licencePhoto")}</a>
                    </>
                  ) : null}
                </dd>
                <dt>{t("credit.legalRep")}</dt>
                <dd>{p.verification.legalRepName ?? "—"}</dd>
              </dl>
              <details>
                <summary>{p.credit.score == null ? t("credit.notEnoughData") : t("credit.score", { score: p.credit.score })}</summary>
                <CreditPanel score={p.credit.score} components={p.credit.components} headingId={`credit-heading-${p.id}`} />
              </details>
              {own ? (
                <p className="hint">{t("adminCredit.ownProducer")}</p>
              ) : (
                <>
                  {p.verification.licenceStatus === "submitted" ? (
                    <CreditForm producerId={p.id} intent="licence" lastResult={lastFor("licence")}>
                      {(f) => (
                        <>
                          <div className="field">
                            <label htmlFor={f.noteId}>{t("adminCredit.note")}</label>
                            <textarea id={f.noteId} name={f.noteName} rows={2} />
                          </div>
                          <div className="button-row">
                            <button type="submit" name="decision" value="approved" className="primary">
                              {t("adminCredit.approveLicence")}
                            </button>
                            <button type="submit" name="decision" value="rejected" className="button secondary">
                              {t("adminCredit.rejectLicence")}
                            </button>
                          </div>
                        </>
                      )}
                    </CreditForm>
                  ) : null}
                  <CreditForm producerId={p.id} intent="poverty" lastResult={lastFor("poverty")}>
                    {(f) => (
                      <>
                        <input type="hidden" name="designation" value={p.verification.povertyAlleviation ? "cleared" : "set"} />
                        <div className="field">
                          <label htmlFor={f.noteId}>
                            {t("adminCredit.poverty")} · {t("adminCredit.povertyReason")}
                          </label>
                          <input id={f.noteId} name={f.noteName} maxLength={500} />
                        </div>
                        <button type="submit" className={p.verification.povertyAlleviation ? "button secondary" : "primary"}>
                          {p.verification.povertyAlleviation ? t("adminCredit.clearPoverty") : t("adminCredit.setPoverty")}
                        </button>
                      </>
                    )}
                  </CreditForm>
                </>
              )}
              <DecisionHistory decisions={p.decisions} locale={locale} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
