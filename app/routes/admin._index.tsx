/** GET /admin — the admin home: every admin page the viewer may open, with what it is for. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { adminLinksFor } from "~/components/admin-nav";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { officialCountyName } from "~/oversight.server";
import type { PageHandle } from "~/root";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireRole } from "~/utils/session.server";

export const handle: PageHandle = { hydrate: false };
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "adminHome.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "platform_admin", "inspector", "county_official");
  return { roles: user.roles, county: officialCountyName(getDb(), user.id)?.nameZh ?? null };
}

export default function AdminHome() {
  const t = useT();
  const { roles, county } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("adminHome.title")}</h1>
      <p className="meta">{t("adminHome.intro")}</p>
      {county ? <p className="notice">{t("adminHome.county", { county })}</p> : null}
      <ul className="admin-home">
        {adminLinksFor(roles).map((l) => (
          <li key={l.to} className="panel">
            <h2>
              <Link to={l.to}>{t(l.label)}</Link>
            </h2>
            <p>{t(l.description)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
