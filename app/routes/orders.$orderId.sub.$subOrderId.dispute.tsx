/**
 * /orders/:orderId/sub/:subOrderId/dispute — the buyer opens a dispute on a sub-order (within 7 days
 * after pickup; kind, text, photos) and follows it; the producer's answer and the platform's
 * decision appear here too. Platform admins may look (read-only here; they decide in /admin/disputes).
 */
import { getFormProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError, FormErrors, FormToken, SubmitButton } from "~/components/forms";
import { threadOf, addBuyerMessage, canOpenDispute, DISPUTE_KINDS, findDisputeIdBySubOrder, getDisputeForViewer, getSubOrderFacts, MAX_DISPUTE_PHOTOS, openDispute, PhotoRejectedError } from "~/market.server";
import { formTokenOf, getEnv, newFormToken } from "~/kernel.server";
import { useT } from "~/i18n/react";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { DisputeMessageSchema, OpenDisputeSchema } from "~/orders-ui/after-sale-schemas";
import { DisputeThread } from "~/orders-ui/dispute-thread";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";
import { filesOf, parseUploadForm, RequestTooLargeError, stagePhotos, uploadTooLargeResult } from "~/utils/upload.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.open");

async function context(request: Request, params: LoaderFunctionArgs["params"]) {
  const user = await requireUser(request);
  const order = requireOrderForViewer(user, parseOrderId(params.orderId));
  const sub = order.subOrders.find((s) => s.id === Number(params.subOrderId));
  if (!sub) throw new Response("error.notFound", { status: 404 });
  return { user, order, sub };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, order, sub } = await context(request, params);
  const db = getDb();
  const disputeId = findDisputeIdBySubOrder(db, sub.id);
  const isBuyer = order.buyerId === user.id;
  if (disputeId != null) {
    const { dispute, role } = getDisputeForViewer(db, user, disputeId);
    const canReply = isBuyer && (dispute.status === "open" || dispute.status === "answered");
    return { orderId: order.id, subOrderId: sub.id, producerName: sub.producerName, dispute: threadOf(dispute), role, canReply, canOpen: false, formToken: newFormToken() };
  }
  const facts = getSubOrderFacts(db, sub.id)!;
  return { orderId: order.id, subOrderId: sub.id, producerName: sub.producerName, dispute: null, role: null, canReply: false, canOpen: isBuyer && canOpenDispute(facts), formToken: newFormToken() };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, order, sub } = await context(request, params);
  if (order.buyerId !== user.id) throw new Response("error.forbidden", { status: 403 });
  let upload;
  try {
    upload = await parseUploadForm(request);
  } catch (error) {
    if (error instanceof RequestTooLargeError) return data({ result: uploadTooLargeResult() }, { status: 413 });
    throw error;
  }
  const db = getDb();
  const here = `/orders/${order.id}/sub/${sub.id}/dispute`;
  const intent = upload.formData.get("intent");
  try {
    if (intent === "reply") {
      const submission = parseWithZod(upload.formData, { schema: DisputeMessageSchema });
      if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
      const disputeId = findDisputeIdBySubOrder(db, sub.id);
      if (disputeId == null) throw new Response("error.notFound", { status: 404 });
      try {
        addBuyerMessage(db, user, disputeId, submission.value.body, [], undefined, formTokenOf(upload.formData));
      } catch (error) {
        if (error instanceof DomainRuleError) return data({ result: submission.reply({ formErrors: [error.messageKey] }) }, { status: 400 });
        throw error;
      }
      return redirect(here);
    }
    const submission = parseWithZod(upload.formData, { schema: OpenDisputeSchema });
    const oversize = upload.oversizeFields.includes("photos") ? ["photo.tooLarge"] : [];
    const files = filesOf(upload.formData, "photos");
    const tooMany = files.length > MAX_DISPUTE_PHOTOS ? ["disputes.error.photos"] : [];
    if (submission.status !== "success" || oversize.length || tooMany.length) {
      return data({ result: submission.reply({ fieldErrors: { photos: [...oversize, ...tooMany] } }) }, { status: 400 });
    }
    let staged;
    try {
      staged = await stagePhotos(files, getEnv().UPLOAD_DIR);
    } catch (error) {
      if (error instanceof PhotoRejectedError) return data({ result: submission.reply({ fieldErrors: { photos: [error.messageKey] } }) }, { status: 400 });
      throw error;
    }
    try {
      openDispute(db, user, sub.id, { kind: submission.value.kind, body: submission.value.body, photos: staged.photos.map((p) => p.fileKey) }, undefined, formTokenOf(upload.formData));
    } catch (error) {
      await staged.discard();
      if (error instanceof DomainRuleError) return data({ result: submission.reply({ formErrors: [error.messageKey] }) }, { status: 400 });
      throw error;
    }
    await staged.commit();
    return redirect(here);
  } catch (error) {
    if (error instanceof ForbiddenError) throw new Response("error.forbidden", { status: 403 });
    if (error instanceof NotFoundError) throw new Response("error.notFound", { status: 404 });
    throw error;
  }
}

function OpenForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "open-dispute",
    lastResult,
    constraint: getZodConstraint(OpenDisputeSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OpenDisputeSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="open" />
      <div className="field">
        <label htmlFor={fields.kind.id}>{t("disputes.kindLabel")}</label>
        <select {...getSelectProps(fields.kind)}>
          <option value="">—</option>
          {DISPUTE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`disputes.kind.${k}` as const)}
            </option>
          ))}
        </select>
        <FieldError id={fields.kind.errorId} errors={fields.kind.errors} />
      </div>
      <div className="field">
        <label htmlFor={fields.body.id}>{t("disputes.bodyLabel")}</label>
        <textarea {...getTextareaProps(fields.body)} rows={4} />
        <FieldError id={fields.body.errorId} errors={fields.body.errors} />
      </div>
      <div className="field">
        <label htmlFor="dispute-photos">{t("disputes.photosLabel")}</label>
        <input id="dispute-photos" type="file" name="photos" accept="image/*" multiple aria-describedby={fields.photos.errorId} />
        <FieldError id={fields.photos.errorId} errors={fields.photos.errors} />
      </div>
      <FormToken />
      <SubmitButton className="primary">{t("disputes.submit")}</SubmitButton>
    </Form>
  );
}

function ReplyForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const t = useT();
  const [form, fields] = useForm({
    id: "dispute-reply",
    lastResult,
    constraint: getZodConstraint(DisputeMessageSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DisputeMessageSchema }),
    shouldRevalidate: "onBlur",
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <FormErrors id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="reply" />
      <div className="field">
        <label htmlFor={fields.body.id}>{t("disputes.reply")}</label>
        <textarea {...getTextareaProps(fields.body)} rows={3} />
        <FieldError id={fields.body.errorId} errors={fields.body.errors} />
      </div>
      <FormToken />
      <SubmitButton className="secondary button">{t("disputes.replySubmit")}</SubmitButton>
    </Form>
  );
}

export default function DisputeRoute() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  return (
    <article>
      <p>
        <Link to={`/orders/${d.orderId}`}>{t("orders.orderNo", { id: d.orderId })}</Link>
      </p>
      {d.dispute ? (
        <>
          <DisputeThread dispute={d.dispute} />
          {d.canReply || actionData ? <ReplyForm lastResult={actionData?.result} /> : null}
        </>
      ) : (
        <>
          <h1>{t("disputes.newTitle", { subOrderId: d.subOrderId, producer: d.producerName })}</h1>
          <p className="hint">{t("disputes.deadlineHint")}</p>
          {d.canOpen || actionData ? <OpenForm lastResult={actionData?.result} /> : <p className="panel">{t("disputes.notEligible")}</p>}
        </>
      )}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
