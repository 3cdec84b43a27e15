/**
 * /farm/sub-orders/:subOrderId/labels — every parcel label of a sub-order, one 100 × 70 mm label
 * per printed page. Same rules as /farm/parcels/:parcelId/label (logistics/labels.ts).
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ParcelLabelSheet } from "~/components/parcel-label";
import { useT } from "~/i18n/react";
import parcelLabelStyles from "~/styles/parcel-label.css";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { idParam, load } from "~/utils/http.server";
import { subOrderLabels, withQr } from "~/logistics.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: parcelLabelStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "parcelLabel.titleAll", { id: data.subOrderId }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.subOrderId);
  const labels = await load(() => subOrderLabels(getDb(), user, id));
  return { subOrderId: id, labels: await Promise.all(labels.map(withQr)) };
}

export default function SubOrderLabelsRoute() {
  const t = useT();
  const { subOrderId, labels } = useLoaderData<typeof loader>();
  return <ParcelLabelSheet title={t("parcelLabel.titleAll", { id: subOrderId })} labels={labels} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
