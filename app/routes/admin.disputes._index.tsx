/** /admin/disputes — the platform's dispute queue: undecided first (oldest first), then recent decisions. */
import { shanghaiDateTime } from "../../core/clock";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { DisputeList } from "~/orders-ui/dispute-list";
import { listDisputesForAdmin } from "~/market.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "disputes.adminTitle");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "platform_admin");
  return { disputes: listDisputesForAdmin(getDb()).map((d) => ({ ...d, openedText: shanghaiDateTime(d.openedAt) })) };
}

export default function AdminDisputesRoute() {
  const t = useT();
  const { disputes } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("disputes.adminTitle")}</h1>
      {disputes.length === 0 ? <p className="panel">{t("disputes.adminEmpty")}</p> : <DisputeList disputes={disputes} base="/admin/disputes" />}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
