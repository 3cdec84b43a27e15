/** A statistics table (columns from ./tables) with its CSV download link. */
import { formatFen } from "../../core/money";
import { useLocale, useT } from "~/i18n/react";
import { tableRows, type TableName } from "./tables";

export function StatsTable<R>({ name, rows, csvHref, caption }: { name: TableName; rows: readonly R[]; csvHref: string; caption: string }) {
  const t = useT();
  const locale = useLocale();
  const { header, cells } = tableRows(name, rows, { locale, t, has: (k) => t.has(k) });
  return (
    <>
      {rows.length === 0 ? (
        <p className="meta">{t("stats.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table data-stats-table={name}>
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                {header.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cells.map((r, i) => (
                <tr key={i}>
                  {r.map((c, j) => (
                    <td key={j}>{c.text === null ? t("stats.notAvailable") : c.money && typeof c.text === "number" ? formatFen(c.text) : c.text}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href={csvHref} download className="button secondary">
          {t("stats.csv")}
        </a>
      </p>
    </>
  );
}
