/**
 * /orders/:orderId/sub/:subOrderId/rate — the buyer rates a picked-up sub-order once (1–5 stars, text,
 * up to 3 photos: a multipart form that works without JavaScript; photos checked by content).
 * The order page embeds the same plain form posting here; errors are shown on this page.
 */
import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { RatingSchema } from "~/orders-ui/after-sale-schemas";
import { RatingForm } from "~/orders-ui/rating-form";
import { getSubOrderFacts, isPickedUp, MAX_RATING_PHOTOS, rateSubOrder, ratingsForOrder } from "~/market.server";
import { formTokenOf, getEnv, newFormToken } from "~/kernel.server";
import { filesOf, parseUploadForm, stagePhotos } from "~/utils/upload.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";
import { act, refused } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "ratings.rate");

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
  const rating = ratingsForOrder(db, order.id)[sub.id] ?? null;
  const canRate = order.buyerId === user.id && !rating && isPickedUp(getSubOrderFacts(db, sub.id)!);
  return { orderId: order.id, subOrderId: sub.id, producerName: sub.producerName, rating, canRate, formToken: newFormToken() };
}

type ActionData = { result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, order, sub } = await context(request, params);
  const upload = await act(() => parseUploadForm(request), { request });
  if (refused(upload)) return upload;
  const formData = upload.formData;
  const submission = parseWithZod(formData, { schema: RatingSchema });
  const oversize = upload.oversizeFields.includes("photos") ? ["photo.tooLarge"] : [];
  const files = filesOf(formData, "photos");
  const tooMany = files.length > MAX_RATING_PHOTOS ? ["ratings.error.photos"] : [];
  if (submission.status !== "success" || oversize.length || tooMany.length) {
    return data({ result: submission.reply({ fieldErrors: { photos: [...oversize, ...tooMany] } }) }, { status: 400 });
  }
  const staged = await act(() => stagePhotos(files, getEnv().UPLOAD_DIR), { request, submission });
  if (refused(staged)) return staged;
  const { stars, body } = submission.value;
  const photos = staged.photos.map((p) => p.fileKey);
  const rated = await act(
    () => {
      rateSubOrder(getDb(), user, sub.id, stars, body ?? "", undefined, formTokenOf(formData), photos);
      return redirect(`/orders/${order.id}?rated=${sub.id}`);
    },
    { request, submission, onError: () => staged.discard() },
  );
  if (refused(rated)) return rated;
  await staged.commit();
  return rated;
}

export default function RateRoute() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as unknown as ActionData | undefined;
  return (
    <article>
      <p>
        <Link to={`/orders/${d.orderId}`}>{t("orders.orderNo", { id: d.orderId })}</Link>
      </p>
      <h1>{t("ratings.title", { subOrderId: d.subOrderId, producer: d.producerName })}</h1>
      {d.rating ? (
        <p className="panel">{t("ratings.yours", { stars: d.rating.stars })}</p>
      ) : d.canRate || actionData ? (
        <RatingForm orderId={d.orderId} subOrderId={d.subOrderId} lastResult={actionData?.result} />
      ) : (
        <p className="panel">{t("ratings.error.notPickedUp")}</p>
      )}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
