/** The affected-orders tables shared by the lot page and the recall page. */
import { Link } from "@remix-run/react";
import { formatFen } from "../../core/money";
import type { MessageKey } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import type { RecallAffected } from "../../traceability/recall";
import { formatDateTime } from "./format";

export function AffectedTotals({ affected }: { affected: RecallAffected }) {
  const t = useT();
  const tot = affected.totals;
  if (tot.lines === 0) return <p className="hint">{t("recall.page.none")}</p>;
  return (
    <p className="affected-totals">
      {t("recall.page.totals", { orders: tot.orders, lines: tot.lines, units: tot.units, pickedUp: tot.pickedUpUnits, held: tot.heldUnits })}
    </p>
  );
}

export function AffectedOrders({ affected }: { affected: RecallAffected }) {
  const t = useT();
  const locale = useLocale();
  if (affected.orders.length === 0) return null;
  return (
    <>
      <div className="table-wrap">
        <table className="affected-orders">
          <thead>
            <tr>
              <th>{t("recall.col.order")}</th>
              <th>{t("recall.col.buyer")}</th>
              <th>{t("recall.col.quantity")}</th>
              <th>{t("recall.col.deliveryPoint")}</th>
              <th>{t("recall.col.status")}</th>
              <th>{t("recall.col.soldAt")}</th>
            </tr>
          </thead>
          <tbody>
            {affected.orders.map((o) => {
              const status = o.pickedUpAt != null ? "picked_up" : o.held ? "held" : "awaiting";
              return (
                <tr key={o.lineId} data-status={status}>
                  <td className="mono">#{o.orderId}</td>
                  <td>{o.buyerName}</td>
                  <td>
                    {o.quantity}
                    <br />
                    <span className="meta">{formatFen(o.unitPriceFen)}</span>
                  </td>
                  <td>{o.deliveryPointName ?? "—"}</td>
                  <td>
                    <span className={status === "held" ? "badge danger" : status === "picked_up" ? "badge muted" : "badge warn"}>
                      {t(`recall.status.${status}` as MessageKey)}
                    </span>
                  </td>
                  <td className="meta">{formatDateTime(o.soldAt, locale)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {affected.orders.length < affected.totals.lines ? <p className="hint">{t("recall.page.truncated", { shown: affected.orders.length })}</p> : null}
    </>
  );
}

export function AffectedBuyers({ affected }: { affected: RecallAffected }) {
  const t = useT();
  if (affected.buyers.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="affected-buyers">
        <thead>
          <tr>
            <th>{t("recall.col.buyer")}</th>
            <th>{t("recall.col.phone")}</th>
            <th>{t("recall.col.orders")}</th>
            <th>{t("recall.col.units")}</th>
            <th>{t("recall.col.heldUnits")}</th>
          </tr>
        </thead>
        <tbody>
          {affected.buyers.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td className="mono">{b.phoneMasked}</td>
              <td>{b.orders}</td>
              <td>{b.units}</td>
              <td>{b.heldUnits}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AffectedDeliveryPoints({ affected }: { affected: RecallAffected }) {
  const t = useT();
  if (affected.deliveryPoints.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="affected-points">
        <thead>
          <tr>
            <th>{t("recall.col.deliveryPoint")}</th>
            <th>{t("recall.col.operator")}</th>
            <th>{t("recall.col.heldUnits")}</th>
            <th>{t("recall.col.pickedUpUnits")}</th>
          </tr>
        </thead>
        <tbody>
          {affected.deliveryPoints.map((d) => (
            <tr key={d.id}>
              <td>
                {d.name}
                <br />
                <span className="meta">
                  {d.countyZh ? `${d.countyZh} · ` : ""}
                  {d.address}
                </span>
              </td>
              <td>{d.operatorName ?? "—"}</td>
              <td>{d.heldUnits > 0 ? <strong>{d.heldUnits}</strong> : 0}</td>
              <td>{d.pickedUpUnits}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AffectedListings({ affected }: { affected: RecallAffected }) {
  const t = useT();
  if (affected.listings.length === 0) return <p className="hint">{t("inspect.lot.noListings")}</p>;
  return (
    <ul className="affected-listings">
      {affected.listings.map((l) => (
        <li key={l.id}>
          {l.status === "published" ? <Link to={`/listings/${l.id}`}>{l.title}</Link> : l.title}{" "}
          <span className={l.status === "recalled" ? "badge danger" : "badge muted"}>{t(`status.${l.status}` as MessageKey)}</span>
        </li>
      ))}
    </ul>
  );
}
