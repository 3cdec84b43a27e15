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
import { getProducerReviewQueue, reviewProducer } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { act, formReply } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: "信用代码审核 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  return getProducerReviewQueue(getDb(), user);
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const formData = await request.formData();
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

type LoaderData = ReturnType<typeof getProducerReviewQueue>;
/** Typed by hand: env.d.ts does not declare the single-fetch Future flag. */
type ActionData = { producerId: number | null; result: SubmissionResult<string[]> };

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
  const { pending, recent } = useLoaderData<typeof loader>() as LoaderData;
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
