/** /farm/disputes/:disputeId — the producer reads the buyer's claim and answers it. */
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { formTokenOf, newFormToken } from "~/kernel.server";
import { useT } from "~/i18n/react";
import { DisputeMessageSchema } from "~/orders-ui/after-sale-schemas";
import { DisputeThread } from "~/orders-ui/dispute-thread";
import { threadOf, answerDispute, getDisputeForViewer } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";
import { act, forbidden, idParam, load } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.farmTitle");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const { dispute, role } = await load(() => getDisputeForViewer(getDb(), user, idParam(params.disputeId)));
  if (role !== "producer") forbidden();
  return { dispute: threadOf(dispute), canAnswer: dispute.status === "open" || dispute.status === "answered", formToken: newFormToken() };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const id = idParam(params.disputeId);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: DisputeMessageSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { body } = submission.value;
  return act(
    () => {
      answerDispute(getDb(), user, id, body, [], undefined, formTokenOf(formData));
      return redirect(`/farm/disputes/${id}`);
    },
    { request, submission },
  );
}

export default function FarmDisputeRoute() {
  const t = useT();
  const { dispute, canAnswer } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  const [form, fields] = useForm({
    id: "dispute-answer",
    lastResult: actionData?.result,
    constraint: getZodConstraint(DisputeMessageSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DisputeMessageSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <article>
      <p>
        <Link to="/farm/disputes">{t("disputes.farmTitle")}</Link>
      </p>
      <DisputeThread dispute={dispute} />
      {canAnswer || actionData ? (
        <Form method="post" className="form" {...getFormProps(form)}>
          <FormErrors id={form.errorId} errors={form.errors} />
          <div className="field">
            <label htmlFor={fields.body.id}>{t("disputes.answer")}</label>
            <textarea {...getTextareaProps(fields.body)} rows={4} />
            <FieldError id={fields.body.errorId} errors={fields.body.errors} />
          </div>
          <FormToken />
          <SubmitButton className="primary">{t("disputes.answerSubmit")}</SubmitButton>
        </Form>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
