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
import { ForbiddenError, NotFoundError } from "../../core/errors";
import parcelLabelStyles from "~/styles/parcel-label.css";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { parcelLabel, withQr } from "~/logistics.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: parcelLabelStyles }];

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, "parcelLabel.title", { code: data.label.code }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = Number(params.parcelId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("error.notFound", { status: 404 });
  try {
    return { label: await withQr(parcelLabel(getDb(), user, id)) };
  } catch (error) {
    if (error instanceof ForbiddenError) throw new Response("error.forbidden", { status: 403 });
    if (error instanceof NotFoundError) throw new Response("error.notFound", { status: 404 });
    throw error;
  }
}

export default function ParcelLabelRoute() {
  const t = useT();
  const { label } = useLoaderData<typeof loader>();
  return <ParcelLabelSheet title={t("parcelLabel.title", { code: label.code })} labels={[label]} />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
