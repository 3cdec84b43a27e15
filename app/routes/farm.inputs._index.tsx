/**
 * /farm/inputs: the farm's input stock (issue 12 §4) — what it bought on the market, with the
 * registration number, active ingredient, registered uses and intervals, and one tap per growing
 * lot to record an application from that stock (the usual event form, prefilled; the usual gate).
 * An input seller also sees its input listings here and the link to list one.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { PageHandle } from "~/root";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getDb } from "~/utils/db.server";
import { requireRole } from "~/utils/session.server";
import { growingBatchesForStock, inputSellersOf, listFarmInputStock, listSellerInputListings } from "~/market.server";
import traceStyles from "~/traceability-ui/trace-ui.css";
import { cropDisplay } from "../../traceability/crops";
import { formatFen } from "../../core/money";
import { shanghaiDate } from "../../core/clock";

/** Links and GET forms only: the page needs no script (a weak network in the field). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction = () => [{ title: "农资库存 · 村品" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: traceStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "farmer", "coop_admin");
  const db = getDb();
  const isSeller = inputSellersOf(db, user).length > 0;
  return {
    stock: listFarmInputStock(db, user),
    batches: growingBatchesForStock(db, user),
    isSeller,
    sellerListings: isSeller ? listSellerInputListings(db, user) : [],
  };
}

export default function FarmInputsRoute() {
  const t = useT();
  const locale = useLocale();
  const { stock, batches, isSeller, sellerListings } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const cropName = (term: string) => {
    const d = cropDisplay(term);
    return pick(locale, d.zh, d.en);
  };
  return (
    <section className="tf-page">
      <h1>{t("inputsMarket.stock.title")}</h1>
      <p className="hint">{t("inputsMarket.stock.lead")}</p>
      {params.get("used") ? (
        <p className="notice" role="status">
          {t("inputsMarket.stock.used")}
        </p>
      ) : null}
      {stock.length === 0 ? (
        <p className="empty">{t("inputsMarket.stock.empty")}</p>
      ) : (
        <ul className="tf-list">
          {stock.map((s) => {
            const farmBatches = batches.filter((b) => b.producerId === s.producerId);
            return (
              <li key={s.id} className="tf-item" data-testid="input-stock" data-stock-id={s.id}>
                <span className="title">
                  {s.retired ? <span className="badge danger">{t("inputsMarket.retired")}</span> : null}
                  {pick(locale, s.nameZh, s.nameEn)}
                </span>
                <span className="meta">
                  {t(`farmTrace.agriKind.${s.kind}` as "farmTrace.agriKind.pesticide")}
                  {s.registrationNo ? ` · ${s.registrationNo}` : ""}
                  {s.activeIngredient ? ` · ${t("inputsMarket.activeIngredient", { name: s.activeIngredient })}` : ""}
                </span>
                <span className="meta">
                  {t("inputsMarket.stock.lot", { lot: s.makerLotNo, expires: s.expiresOn })} · {t("inputsMarket.stock.order", { orderId: s.orderId })}
                </span>
                <span className="meta" data-testid="input-stock-left">
                  {t("inputsMarket.stock.left", { left: s.quantity, bought: s.boughtQuantity, unit: t(`unit.${s.unit}` as "unit.jin") })}
                </span>
                {s.voidedAt !== null ? (
                  <span className="badge danger" data-testid="input-stock-voided">
                    {t("inputsMarket.stock.voided", {
                      quantity: s.voidedQuantity ?? 0,
                      unit: t(`unit.${s.unit}` as "unit.jin"),
                      date: shanghaiDate(s.voidedAt),
                    })}
                  </span>
                ) : null}
                {s.uses.length ? (
                  <span className="meta">
                    {t("inputsMarket.stock.uses")}
                    {s.uses
                      .map(
                        (u) =>
                          `${cropName(u.target)} ${u.prohibited ? t("farmTrace.admin.prohibited") : u.intervalDays === null ? "—" : t("farmTrace.days", { days: u.intervalDays })}${u.maxApplications ? ` (≤${u.maxApplications}×)` : ""}`,
                      )
                      .join("; ")}
                  </span>
                ) : null}
                {s.quantity > 0 && !s.retired && s.voidedAt === null ? (
                  farmBatches.length ? (
                    <div className="actions">
                      <span className="meta">{t("inputsMarket.stock.applyOn")}</span>
                      {farmBatches.map((b) => (
                        <Link key={b.id} className="button" to={`/farm/batches/${b.id}/events/input_application?stock=${s.id}`} data-testid="apply-from-stock">
                          {t("inputsMarket.stock.apply", { product: pick(locale, b.productNameZh, b.productNameEn), lot: b.lotCode })}
                        </Link>
                      ))}
                    </div>
                  ) : (
                    <span className="meta">{t("inputsMarket.stock.noGrowingLot")}</span>
                  )
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {isSeller ? (
        <>
          <h2>{t("inputsMarket.seller.title")}</h2>
          <p>
            <Link className="button primary" to="/farm/inputs/new">
              {t("inputsMarket.seller.new")}
            </Link>
          </p>
          <ul className="tf-list">
            {sellerListings.map((l) => (
              <li key={l.listingId} className="tf-item" data-testid="seller-input-listing">
                <span className="title">
                  <Link to={`/farm/listings/${l.listingId}/edit`}>{l.title}</Link>
                </span>
                <span className="meta">
                  {t(`farmTrace.agriKind.${l.kind}` as "farmTrace.agriKind.pesticide")}
                  {l.registrationNo ? ` · ${l.registrationNo}` : ""} · {t("inputsMarket.stock.lot", { lot: l.makerLotNo, expires: l.expiresOn })}
                </span>
                <span className="meta">
                  {t(`status.${l.status}` as "status.draft")} · {t("price.per", { price: formatFen(l.priceFen), unit: t(`unit.${l.unit}` as "unit.jin") })} ·{" "}
                  {t("inputsMarket.seller.stock", { stock: l.stock })}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
