/** The one error component every route's ErrorBoundary uses. */
import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useT } from "~/i18n/react";

export function GeneralErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  let status = 500;
  let message = t("error.server");
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (typeof error.data === "string" && t.has(error.data)) message = t(error.data);
    else if (status === 404) message = t("error.notFound");
    else if (status === 403) message = t("error.forbidden");
    else if (status === 401) message = t("error.unauthorized");
    else if (status === 400) message = t("error.badRequest");
  }
  return (
    <section className="error-panel" role="alert">
      <h1>
        {status} · {t("error.title")}
      </h1>
      <p>{message}</p>
      <p>
        <Link to="/">{t("error.backHome")}</Link>
      </p>
    </section>
  );
}
