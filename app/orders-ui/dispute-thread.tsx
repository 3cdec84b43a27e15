/** A dispute's header and history as both sides (and the platform) see it. */
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";

export type ThreadMessage = { id: number; role: "buyer" | "producer" | "platform"; authorName: string; body: string; photoUrls: string[]; atText: string };
export type ThreadDispute = {
  id: number;
  subOrderId: number;
  orderId: number;
  producerName: string;
  kind: "quality" | "quantity" | "not_received";
  status: "open" | "answered" | "refunded_full" | "refunded_partial" | "rejected";
  subtotalFen: number;
  refundableFen: number;
  messages: ThreadMessage[];
};

export function DisputeThread({ dispute }: { dispute: ThreadDispute }) {
  const t = useT();
  return (
    <section className="panel" data-testid="dispute">
      <h2>
        {t("disputes.title", { id: dispute.id, subOrderId: dispute.subOrderId })}{" "}
        <span className="badge" data-testid="dispute-status">
          {t(`disputes.status.${dispute.status}` as const)}
        </span>
      </h2>
      <dl className="kv">
        <dt>{t("disputes.kindLabel")}</dt>
        <dd>{t(`disputes.kind.${dispute.kind}` as const)}</dd>
        <dt>{t("disputes.order", { id: dispute.orderId })}</dt>
        <dd>{dispute.producerName}</dd>
      </dl>
      <p className="meta">
        {t("disputes.subtotal", { amount: formatFen(dispute.subtotalFen) })} · {t("disputes.refundable", { amount: formatFen(dispute.refundableFen) })}
      </p>
      <h3>{t("disputes.messages")}</h3>
      <ol className="timeline" data-testid="dispute-messages">
        {dispute.messages.map((m) => (
          <li key={m.id} data-role={m.role}>
            <p>
              <strong>{t(`disputes.role.${m.role}` as const)}</strong> · {m.authorName} · <span className="mono">{m.atText}</span>
            </p>
            <p style={{ whiteSpace: "pre-wrap" }}>{m.body}</p>
            {m.photoUrls.length ? (
              <div className="thumbs">
                {m.photoUrls.map((u) => (
                  <a key={u} href={u}>
                    <img src={u} alt="" width={96} height={96} loading="lazy" />
                  </a>
                ))}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
