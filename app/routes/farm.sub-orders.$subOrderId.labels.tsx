/**
 * /farm/sub-orders/:subOrderId/labels — every parcel label of a sub-order, one 100 × 70 mm label
 * per printed page. Same rules as /farm/parcels/:parcelId/label (logistics/labels.ts).
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ParcelLabelSheet } from "~/components/parcel-label";
import { useT } from "~/i18n/react";
import { ForbiddenError, NotFoundError } from "../../core/errors";
import parcelLabelStyles from "~/styles/parcel-label.css";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { subOrderLabels, withQr } from "~/logistics.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: parcelLabelStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "parcelLabel.titleAll", { id: data.subOrderId }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.subOrderId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("error.notFound", { status: 404 });
  try {
    return { subOrderId: id, labels: await Promise.all(subOrderLabels(getDb(), user, id).map(withQr)) };
  } catch (error) {
    if (error instanceof ForbiddenError) throw new Response("error.forbidden", { status: 403 });
    if (error instanceof NotFoundError) throw new Response("error.notFound", { status: 404 });
    throw error;
  }
}

export default function SubOrderLabelsRoute() {
  const t = useT();
  const { subOrderId, labels } = useLoaderData<typeof loader>();
  return <ParcelLabelSheet title={t("parcelLabel.titleAll", { id: subOrderId })} labels={labels} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
