/** /inspect: the inspector's lot search (GET form) and the open recalls. Inspectors and platform admins only. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { type MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { formatDate, formatDateTime } from "~/inspect/format";
import { LotSearchSchema } from "~/inspect/schemas";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { listRecalls, searchLots } from "~/inspect/inspect.server";

export const meta: MetaFunction = () => [{ title: "批次监管与召回 · 村品" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "inspector", "platform_admin");
  const url = new URL(request.url);
  const { q } = LotSearchSchema.parse({ q: url.searchParams.get("q") ?? undefined });
  const db = getDb();
  return { q: q ?? "", results: q ? searchLots(db, q) : null, recalls: listRecalls(db, { open: true }) };
}

export default function InspectRoute() {
  const t = useT();
  const locale = useLocale();
  const { q, results, recalls } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("inspect.title")}</h1>
      <p className="hint">{t("inspect.intro")}</p>

      <Form method="get" role="search" className="form">
        <div className="field">
          <label htmlFor="lot-q">{t("inspect.search.label")}</label>
          <input id="lot-q" type="search" name="q" defaultValue={q} maxLength={200} aria-describedby="lot-q-hint" />
          <p className="hint" id="lot-q-hint">
            {t("inspect.search.hint")}
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="primary">
            {t("inspect.search.submit")}
          </button>
        </div>
      </Form>

      {results ? (
        results.length === 0 ? (
          <p className="panel">{t("inspect.search.none", { q })}</p>
        ) : (
          <>
            <h2>{t("inspect.search.results", { q, count: results.length })}</h2>
            <div className="table-wrap">
              <table className="lot-results">
                <thead>
                  <tr>
                    <th>{t("inspect.col.lot")}</th>
                    <th>{t("inspect.col.product")}</th>
                    <th>{t("inspect.col.producer")}</th>
                    <th>{t("inspect.col.harvested")}</th>
                    <th>{t("inspect.col.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {results.map((r) => (
                    <tr key={r.id}>
                      <td className="mono">
                        <Link to={`/inspect/lots/${r.id}`}>{r.lotCode}</Link>
                        {r.gtin ? (
                          <>
                            <br />
                            <span className="meta">{r.gtin}</span>
                          </>
                        ) : null}
                      </td>
                      <td>{locale === "en" && r.productEn ? r.productEn : r.productZh}</td>
                      <td>{r.producerZh}</td>
                      <td>{formatDate(r.harvestedAt, locale)}</td>
                      <td>
                        <span className={r.status === "recalled" ? "badge danger" : "badge muted"}>
                          {t(`inspect.batchStatus.${r.status}` as MessageKey)}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )
      ) : null}

      <h2>{t("inspect.recalls.title")}</h2>
      {recalls.length === 0 ? (
        <p className="hint">{t("inspect.recalls.empty")}</p>
      ) : (
        <ul className="recall-list">
          {recalls.map((r) => (
            <li key={r.id} className="panel">
              <Link to={`/inspect/recalls/${r.id}`}>
                <strong>{locale === "en" && r.productEn ? r.productEn : r.productZh}</strong> · <span className="mono">{r.lotCode}</span>
              </Link>
              <p className="meta">
                {r.producerZh} · {t("inspect.recalls.opened", { name: r.openedByName, at: formatDateTime(r.openedAt, locale) })}
              </p>
              <p>{r.reason}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
