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
import {
  threadOf,
  addBuyerMessage,
  canOpenDispute,
  findDisputeIdBySubOrder,
  getDisputeForViewer,
  getSubOrderFacts,
  MAX_DISPUTE_PHOTOS,
  openDispute,
} from "~/market.server";
import { formTokenOf, getEnv, newFormToken } from "~/kernel.server";
import { useT } from "~/i18n/react";
// The kinds come from the form schema, not ~/market.server: that module is empty in the browser, and
// importing a value from it into the page made the form crash after hydration.
import { DISPUTE_KINDS, DisputeMessageSchema, OpenDisputeSchema } from "~/orders-ui/after-sale-schemas";
import { DisputeThread } from "~/orders-ui/dispute-thread";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";
import { filesOf, parseUploadForm, stagePhotos } from "~/utils/upload.server";
import { act, forbidden, load, notFound, refused } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.open");

async function context(request: Request, params: LoaderFunctionArgs["params"]) {
  const user = await requireUser(request);
  const order = requireOrderForViewer(user, parseOrderId(params.orderId));
  const sub = order.subOrders.find((s) => s.id === Number(params.subOrderId));
  if (!sub) notFound();
  return { user, order, sub };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, order, sub } = await context(request, params);
  const db = getDb();
  const disputeId = findDisputeIdBySubOrder(db, sub.id);
  const isBuyer = order.buyerId === user.id;
  if (disputeId != null) {
    const { dispute, role } = await load(() => getDisputeForViewer(db, user, disputeId));
    const canReply = isBuyer && (dispute.status === "open" || dispute.status === "answered");
    return {
      orderId: order.id,
      subOrderId: sub.id,
      producerName: sub.producerName,
      dispute: threadOf(dispute),
      role,
      canReply,
      canOpen: false,
      formToken: newFormToken(),
    };
  }
  const facts = getSubOrderFacts(db, sub.id)!;
  return {
    orderId: order.id,
    subOrderId: sub.id,
    producerName: sub.producerName,
    dispute: null,
    role: null,
    canReply: false,
    canOpen: isBuyer && canOpenDispute(facts),
    formToken: newFormToken(),
  };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, order, sub } = await context(request, params);
  if (order.buyerId !== user.id) forbidden();
  const upload = await act(() => parseUploadForm(request), { request });
  if (refused(upload)) return upload;
  const db = getDb();
  const here = `/orders/${order.id}/sub/${sub.id}/dispute`;
  const intent = upload.formData.get("intent");
  if (intent === "reply") {
    const submission = parseWithZod(upload.formData, { schema: DisputeMessageSchema });
    if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
    const disputeId = findDisputeIdBySubOrder(db, sub.id);
    if (disputeId == null) notFound();
    const { body } = submission.value;
    return act(
      () => {
        addBuyerMessage(db, user, disputeId, body, [], undefined, formTokenOf(upload.formData));
        return redirect(here);
      },
      { request, submission },
    );
  }
  const submission = parseWithZod(upload.formData, { schema: OpenDisputeSchema });
  const oversize = upload.oversizeFields.includes("photos") ? ["photo.tooLarge"] : [];
  const files = filesOf(upload.formData, "photos");
  const tooMany = files.length > MAX_DISPUTE_PHOTOS ? ["disputes.error.photos"] : [];
  if (submission.status !== "success" || oversize.length || tooMany.length) {
    return data({ result: submission.reply({ fieldErrors: { photos: [...oversize, ...tooMany] } }) }, { status: 400 });
  }
  const staged = await act(() => stagePhotos(files, getEnv().UPLOAD_DIR), { request, submission });
  if (refused(staged)) return staged;
  const { kind, body } = submission.value;
  const photos = staged.photos.map((p) => p.fileKey);
  const opened = await act(() => openDispute(db, user, sub.id, { kind, body, photos }), { request, submission, onError: () => staged.discard() });
  if (refused(opened)) return opened;
  await staged.commit();
  return redirect(here);
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
