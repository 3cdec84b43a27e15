/** The credit score with its components and how each is computed (producer page, admin producers page). */
import { useT } from "~/i18n/react";
import type { CreditComponent } from "../../market/credit/score";

export function CreditPanel({ score, components, headingId = "credit-heading" }: { score: number | null; components: CreditComponent[]; headingId?: string }) {
  const t = useT();
  return (
    <section aria-labelledby={headingId} className="panel" data-testid="credit-panel">
      <h2 id={headingId}>{t("credit.title")}</h2>
      <p data-testid="credit-score" className="credit-score">
        {score == null ? t("credit.notEnoughData") : t("credit.score", { score })}
      </p>
      <p className="hint">{t("credit.howComputed")}</p>
      <div className="table-wrap">
        <table data-testid="credit-components">
          <thead>
            <tr>
              <th>{t("credit.col.component")}</th>
              <th>{t("credit.col.points")}</th>
              <th>{t("credit.col.weight")}</th>
            </tr>
          </thead>
          <tbody>
            {components.map((c) => (
              <tr key={c.key} data-testid={`credit-${c.key}`}>
                <td>
                  <strong>{t(`credit.component.${c.key}` as const)}</strong>
                  <br />
                  <span className="meta">{t(`credit.explain.${c.key}` as const)}</span>
                </td>
                <td>
                  {c.points == null ? (
                    <span className="meta">{t("credit.componentNoData", { amount: c.amount, minimum: c.minimum })}</span>
                  ) : (
                    <>
                      {c.points}
                      <br />
                      <span className="meta">{t(`credit.amount.${c.key}` as const, { amount: c.amount })}</span>
                    </>
                  )}
                </td>
                <td>{c.weight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
