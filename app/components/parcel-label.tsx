/**
 * The 100 × 70 mm parcel label (面单) and the page around it, shared by
 * /farm/parcels/:parcelId/label and /farm/sub-orders/:subOrderId/labels. Sizes are in container
 * units (app/styles/parcel-label.css): 1cqw is 1 mm on paper, and on a 360 px phone the whole
 * label scales down instead of overflowing.
 */
import { Link } from "@remix-run/react";
import type { ParcelLabel } from "../../logistics/labels";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { PrintLink, usePrintOnLoad } from "~/components/print";

/** Item rows that fit under the destination at a readable size; beyond that, one row says how many more (they are on the order). */
const MAX_ITEM_ROWS = 4;

export type PrintableLabel = ParcelLabel & { qrSvg: string };

export function ParcelLabelCard({ label }: { label: PrintableLabel }) {
  const t = useT();
  const locale = useLocale();
  const shown = label.items.length <= MAX_ITEM_ROWS ? label.items : label.items.slice(0, MAX_ITEM_ROWS - 1);
  const hidden = label.items.length - shown.length;
  return (
    <div className="pl-frame">
      <article className="parcel-label" data-testid="parcel-label" data-parcel-code={label.code}>
        <header className="pl-head">
          <div className="pl-code" data-testid="label-code">
            {label.code}
          </div>
          <div className="pl-badges">
            {label.chilled ? <span className="pl-badge pl-chilled">{t("parcelLabel.chilled")}</span> : null}
            {label.fresh ? <span className="pl-badge">{t("parcelLabel.fresh")}</span> : null}
            <span className="pl-badge pl-plain">{t(`parcels.size.${label.size}` as const)}</span>
          </div>
        </header>
        <div className="pl-side">
          {/* The QR holds exactly the parcel code: what /station's scan box takes. */}
          <div className="pl-qr" role="img" aria-label={t("parcelLabel.qrAlt", { code: label.code })} dangerouslySetInnerHTML={{ __html: label.qrSvg }} />
          <div className="pl-slot">
            <span className="pl-small">{t("parcelLabel.slot")}</span>
            <strong data-testid="label-slot" className={label.slotCode ? undefined : "pl-noslot"}>
              {label.slotCode ?? t("parcelLabel.noSlot")}
            </strong>
          </div>
        </div>
        <section className="pl-dest">
          <div className="pl-small">
            {t(`pointChoice.kind.${label.point.kind}` as const)}
            {label.routeName ? ` · ${t("parcelLabel.route", { name: label.routeName })}` : ""}
          </div>
          <div className="pl-point" data-testid="label-point">
            {label.point.name}
          </div>
          <div className="pl-addr">
            {label.point.address} ·{" "}
            {t("parcelLabel.hours", { hours: label.point.openingHours === "24h" ? t("parcelLabel.hours24") : label.point.openingHours })}
          </div>
        </section>
        <div className="pl-buyer">
          <span className="pl-small">{t("parcelLabel.to")}</span> <strong>{label.buyer.displayName}</strong>{" "}
          <strong className="pl-phone" data-testid="label-phone">
            {label.buyer.maskedPhone}
          </strong>
        </div>
        <ul className="pl-items" aria-label={t("parcelLabel.items")}>
          {shown.map((item, i) => (
            <li key={i} data-testid="label-item">
              <span className="pl-title">{item.title}</span>
              <span>× {item.quantity}</span>
              <span className="pl-lot">{item.gtin ? `(01)${item.gtin} (10)${item.lotCode}` : `${t("parcelLabel.lot")} ${item.lotCode}`}</span>
            </li>
          ))}
          {hidden > 0 ? <li className="pl-more">{t("parcelLabel.moreItems", { count: hidden })}</li> : null}
        </ul>
        <footer className="pl-foot">
          <span className="pl-producer">
            {t("parcelLabel.from")} {pick(locale, label.producer.nameZh, label.producer.nameEn)}
          </span>
          <span>{t("parcelLabel.order", { orderId: label.orderId, subOrderId: label.subOrderId })}</span>
          <span>{label.dispatchedDate ? t("parcelLabel.dispatched", { date: label.dispatchedDate }) : t("parcelLabel.notDispatched")}</span>
        </footer>
      </article>
    </div>
  );
}

/** The page: a heading and actions for the screen only, then one label per parcel (one per printed page). */
export function ParcelLabelSheet({ title, labels }: { title: string; labels: PrintableLabel[] }) {
  const t = useT();
  usePrintOnLoad();
  return (
    <section className="parcel-label-sheet">
      <div className="label-screen-only">
        <p>
          <Link to="/farm/orders">{t("parcelLabel.back")}</Link>
        </p>
        <h1>{title}</h1>
        <p className="hint">{t("parcelLabel.lead")}</p>
        {labels.length === 0 ? <p>{t("parcelLabel.none")}</p> : null}
        {labels
          .filter((l) => l.status === "cancelled" || l.status === "returned" || l.status === "picked_up")
          .map((l) => (
            <p key={l.parcelId} className="warning">
              {l.code}: {t("parcelLabel.notLive", { status: t(`parcels.status.${l.status}` as const) })}
            </p>
          ))}
        {labels.length > 0 ? (
          <p className="button-row">
            {/* Without JavaScript the browser's own print does the same: the page is just the labels. */}
            <PrintLink>{t("parcelLabel.print")}</PrintLink>
          </p>
        ) : null}
      </div>
      <div className="parcel-labels">
        {labels.map((l) => (
          <ParcelLabelCard key={l.parcelId} label={l} />
        ))}
      </div>
    </section>
  );
}
