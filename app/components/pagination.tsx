/** Previous / next links that keep every other query parameter (search, filters). Plain links: no JS needed. */
import { Link, useLocation } from "@remix-run/react";
import { useT } from "~/i18n/react";

export function pageHref(pathname: string, search: string, page: number): string {
  const params = new URLSearchParams(search);
  if (page <= 1) params.delete("page");
  else params.set("page", String(page));
  const qs = params.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

export function Pagination({ page, pages }: { page: number; pages: number }) {
  const t = useT();
  const { pathname, search } = useLocation();
  if (pages <= 1 && page <= 1) return null;
  return (
    <nav className="pagination" aria-label={t("storefront.pagination")}>
      {page > 1 ? (
        <Link className="button secondary" rel="prev" to={pageHref(pathname, search, Math.min(page - 1, pages))}>
          {t("common.previous")}
        </Link>
      ) : (
        <span />
      )}
      <span className="meta">{t("common.pageOf", { page, pages })}</span>
      {page < pages ? (
        <Link className="button secondary" rel="next" to={pageHref(pathname, search, page + 1)}>
          {t("common.next")}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
