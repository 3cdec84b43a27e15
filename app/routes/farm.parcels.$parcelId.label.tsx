/**
 * /farm/parcels/:parcelId/label — one parcel's printable 100 × 70 mm label (面单). Members of the
 * parcel's producer and platform admins (logistics/labels.ts decides); the page is the label, so it
 * prints without JavaScript.
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
import { parcelLabel, withQr } from "~/logistics.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: parcelLabelStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "parcelLabel.title", { code: data.label.code }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = idParam(params.parcelId);
  return { label: await withQr(await load(() => parcelLabel(getDb(), user, id))) };
}

export default function ParcelLabelRoute() {
  const t = useT();
  const { label } = useLoaderData<typeof loader>();
  return <ParcelLabelSheet title={t("parcelLabel.title", { code: label.code })} labels={[label]} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
