/** /farm/disputes — disputes on the sub-orders of the producers the farmer manages. */
import { shanghaiDateTime } from "../../core/clock";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DisputeList } from "~/orders-ui/dispute-list";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { listDisputesForProducers } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.farmTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  return { disputes: listDisputesForProducers(getDb(), user.producerIds).map((d) => ({ ...d, openedText: shanghaiDateTime(d.openedAt) })) };
}

export default function FarmDisputesRoute() {
  const t = useT();
  const { disputes } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("disputes.farmTitle")}</h1>
      {disputes.length === 0 ? <p className="panel">{t("disputes.farmEmpty")}</p> : <DisputeList disputes={disputes} base="/farm/disputes" />}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
