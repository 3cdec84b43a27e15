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
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { DisputeMessageSchema } from "~/orders-ui/after-sale-schemas";
import { DisputeThread } from "~/orders-ui/dispute-thread";
import { threadOf, answerDispute, getDisputeForViewer } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.farmTitle");

function disputeIdOf(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new Response("error.notFound", { status: 404 });
  return id;
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ForbiddenError) throw new Response("error.forbidden", { status: 403 });
    if (error instanceof NotFoundError) throw new Response("error.notFound", { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const { dispute, role } = guard(() => getDisputeForViewer(getDb(), user, disputeIdOf(params.disputeId)));
  if (role !== "producer") throw new Response("error.forbidden", { status: 403 });
  return { dispute: threadOf(dispute), canAnswer: dispute.status === "open" || dispute.status === "answered", formToken: newFormToken() };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const id = disputeIdOf(params.disputeId);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: DisputeMessageSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    guard(() => answerDispute(getDb(), user, id, submission.value.body, [], undefined, formTokenOf(formData)));
  } catch (error) {
    if (error instanceof DomainRuleError) return data({ result: submission.reply({ formErrors: [error.messageKey] }) }, { status: 400 });
    throw error;
  }
  return redirect(`/farm/disputes/${id}`);
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
