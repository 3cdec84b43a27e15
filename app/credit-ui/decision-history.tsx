/** A producer's verification decisions (who, when, what, why): admin producers page and the producer's own page. */
import { formatDateTime } from "~/inspect/format";
import { useT } from "~/i18n/react";
import type { ProducerDecision } from "../../market/producers/verification";

export function DecisionHistory({ decisions, locale }: { decisions: ProducerDecision[]; locale: "zh" | "en" }) {
  const t = useT();
  if (decisions.length === 0) return <p className="meta">{t("verification.historyEmpty")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="decision-history">
        <caption>{t("verification.history")}</caption>
        <tbody>
          {decisions.map((d) => (
            <tr key={d.id}>
              <td>
                {t(`verification.kind.${d.kind}` as const)} · {t(`verification.decision.${d.decision}` as const)}
              </td>
              <td>{d.note}</td>
              <td>
                {d.deciderName}
                <br />
                <span className="meta">{formatDateTime(d.decidedAt, locale)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
