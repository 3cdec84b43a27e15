/** A list of disputes (producer and admin queues). */
import { Link } from "@remix-run/react";
import { useT } from "~/i18n/react";
import type { DisputeListItem } from "../../market/orders/disputes";

export function DisputeList({ disputes, base }: { disputes: (DisputeListItem & { openedText: string })[]; base: string }) {
  const t = useT();
  return (
    <ul className="review-queue" data-testid="dispute-list">
      {disputes.map((d) => (
        <li key={d.id} className="panel">
          <Link to={`${base}/${d.id}`}>{t("disputes.title", { id: d.id, subOrderId: d.subOrderId })}</Link>{" "}
          <span className="badge">{t(`disputes.status.${d.status}` as const)}</span>
          <p className="meta">
            {t("disputes.order", { id: d.orderId })} · {d.producerName} · {t(`disputes.kind.${d.kind}` as const)} · <span className="mono">{d.openedText}</span>
          </p>
        </li>
      ))}
    </ul>
  );
}
