/**
 * /admin/disputes/:disputeId — a platform admin reads both sides and decides: full refund, partial
 * refund (through Stripe, app/orders/refunds.server.ts) or rejection. The decision and its reason are
 * added to the history both sides see.
 */
import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors } from "~/components/forms";
import { parseYuanToFen } from "../../core/money";
import { useT } from "~/i18n/react";
import { DecideDisputeSchema } from "~/orders-ui/after-sale-schemas";
import { DisputeThread } from "~/orders-ui/dispute-thread";
import { threadOf, decideDispute, getDisputeForViewer, type Decision, getStripe } from "~/market.server";
import { logger } from "~/kernel.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act, idParam, load } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.adminTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const { dispute } = await load(() => getDisputeForViewer(getDb(), user, idParam(params.disputeId)));
  return { dispute: threadOf(dispute), canDecide: dispute.status === "open" || dispute.status === "answered" };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "platform_admin");
  const id = idParam(params.disputeId);
  const submission = parseWithZod(await request.formData(), { schema: DecideDisputeSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const decision: Decision = v.outcome === "partial" ? { outcome: "partial", amountFen: parseYuanToFen(v.amount ?? "")! } : { outcome: v.outcome };
  return act(
    async () => {
      await decideDispute(getDb(), getStripe(), user, id, decision, v.note ?? "");
      return redirect(`/admin/disputes/${id}`);
    },
    {
      request,
      submission,
      fieldOf: (key) => (key.startsWith("refunds.error.") && v.outcome === "partial" ? "amount" : undefined),
      unexpected: (error) => {
        // Stripe unreachable or refusing: nothing was decided (decideDispute undid its claim).
        logger.error({ err: error, disputeId: id }, "dispute refund failed");
        return data({ result: submission.reply({ formErrors: ["disputes.error.refundFailed"] }) }, { status: 502 });
      },
    },
  );
}

export default function AdminDisputeRoute() {
  const t = useT();
  const { dispute, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [form, fields] = useForm({
    id: "decide-dispute",
    lastResult: actionData?.result,
    constraint: getZodConstraint(DecideDisputeSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DecideDisputeSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <article>
      <p>
        <Link to="/admin/disputes">{t("disputes.adminTitle")}</Link>
      </p>
      <DisputeThread dispute={dispute} />
      {canDecide || actionData ? (
        <Form method="post" className="form" {...getFormProps(form)}>
          <h2>{t("disputes.decide")}</h2>
          <FormErrors id={form.errorId} errors={form.errors} />
          <fieldset className="field">
            <legend>{t("disputes.decide")}</legend>
            {(["full", "partial", "reject"] as const).map((o) => (
              <label key={o} style={{ display: "block" }}>
                <input type="radio" name={fields.outcome.name} value={o} /> {t(`disputes.decision.${o}` as const)}
              </label>
            ))}
            <FieldError id={fields.outcome.errorId} errors={fields.outcome.errors} />
          </fieldset>
          <div className="field">
            <label htmlFor={fields.amount.id}>{t("disputes.amountLabel")}</label>
            <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" aria-describedby={`${fields.amount.id}-hint`} />
            <p className="hint" id={`${fields.amount.id}-hint`}>
              {t("disputes.amountHint")}
            </p>
            <FieldError id={fields.amount.errorId} errors={fields.amount.errors} />
          </div>
          <div className="field">
            <label htmlFor={fields.note.id}>{t("disputes.noteLabel")}</label>
            <textarea {...getTextareaProps(fields.note)} rows={3} />
            <FieldError id={fields.note.errorId} errors={fields.note.errors} />
          </div>
          <button type="submit" className="primary">
            {t("disputes.decideSubmit")}
          </button>
        </Form>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
