import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { shanghaiDate } from "../../core/clock";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ListingGrid, usePriceText } from "~/components/listing-card";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import { getListingPage, inputLotOfListing, listVariants } from "~/market.server";
import { formatFen } from "../../core/money";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { getOptionalUser } from "~/utils/session.server";
import { listingLot, tracePath } from "~/traceability.server";
import { cropDisplay } from "../../traceability/crops";
import type { PageHandle } from "~/root";

const ParamsSchema = z.object({ listingId: z.coerce.number().int().positive().max(2_147_483_647) });

/** A listing: photos, details, and add-to-cart as a plain POST form; no script (root.tsx). */
export const handle: PageHandle = { hydrate: false };

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? pageTitle(matches, { literal: data.listing.title }) : pageTitle(matches, "error.notFound");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("error.notFound", { status: 404 });
  const viewer = await getOptionalUser(request);
  const db = getDb();
  const page = getListingPage(db, parsed.data.listingId, viewer);
  if (!page) throw new Response("error.notFound", { status: 404 });
  // The lot it sells now (newest linked batch): one indexed lookup, the QR itself is a cached image.
  const lot = listingLot(db, page.listing.id);
  // An input (农资) listing: its registration and input lot instead of a produce trace chain (issue 12 §4).
  const inputLot = inputLotOfListing(db, page.listing.id);
  return {
    ...page,
    variants: listVariants(db, page.listing.id),
    inputLot,
    trace: lot && !inputLot ? { lotCode: lot.lotCode, path: tracePath(lot.gtin, lot.lotCode) } : null,
  };
}

export default function ListingPage() {
  const t = useT();
  const locale = useLocale();
  const price = usePriceText();
  const { listing, product, category, producer, photos, certifications, batches, moreFromProducer, canEdit, trace, variants, inputLot } =
    useLoaderData<typeof loader>();
  const unitName = t(`unit.${listing.unit}` as const);
  return (
    <article>
      <nav aria-label={t("storefront.breadcrumb")} className="breadcrumbs">
        <Link to="/">{t("nav.home")}</Link>
        <span aria-hidden="true"> / </span>
        <Link to={`/listings?category=${category.slug}`}>{pick(locale, category.name.zh, category.name.en)}</Link>
      </nav>

      {listing.status !== "published" ? (
        <p className="warning" role="status">
          {t("storefront.notPublishedNotice", { status: t(`status.${listing.status}` as const) })}{" "}
          {canEdit ? <Link to={`/farm/listings/${listing.id}/edit`}>{t("storefront.editListing")}</Link> : null}
        </p>
      ) : null}

      <div className="listing-hero">
        <div className="gallery">
          {photos.length ? (
            photos.map((ph, i) => (
              <img
                key={ph.id}
                src={ph.url}
                width={ph.width}
                height={ph.height}
                alt={t("storefront.photoAlt", { title: listing.title, n: i + 1 })}
                loading={i === 0 ? undefined : "lazy"}
                decoding={i === 0 ? undefined : "async"}
              />
            ))
          ) : (
            <span className="photo-placeholder">{t("storefront.noPhoto")}</span>
          )}
        </div>

        <div className="listing-info">
          <h1>{listing.title}</h1>
          <p className="price price-lg">
            {price(listing.priceFen, listing.unit)}
            {variants.length > 1 && new Set(variants.map((v) => v.priceFen)).size > 1 ? ` ${t("variants.from")}` : null}
          </p>
          {certifications.length ? (
            <p aria-label={t("storefront.certifications")}>
              {certifications.map((c) => (
                <span key={c.kind} className="badge" title={c.certificateNo ? t("storefront.certificateNo", { no: c.certificateNo }) : undefined}>
                  {t(`cert.${c.kind}` as const)}
                </span>
              ))}
            </p>
          ) : null}
          {/* Add to cart: a plain POST to /cart (guests: signed cookie; buyers: their saved cart). */}
          {listing.status === "published" && listing.stock > 0 ? (
            <Form method="post" action="/cart" className="form add-to-cart">
              <input type="hidden" name="intent" value="add" />
              <input type="hidden" name="listingId" value={listing.id} />
              {variants.length ? (
                // Radios, not a select: each size is a 44 px target and works without JavaScript.
                <fieldset className="variant-choice" data-testid="variant-choice">
                  <legend>{t("variants.choose")}</legend>
                  {variants.map((v, i) => (
                    <label key={v.id} style={{ display: "flex", alignItems: "center", gap: "0.5rem", minHeight: 44 }}>
                      <input
                        type="radio"
                        name="variantId"
                        value={v.id}
                        required
                        disabled={v.stock === 0}
                        defaultChecked={i === variants.findIndex((x) => x.stock > 0)}
                        style={{ width: 24, height: 24 }}
                      />
                      {v.stock > 0
                        ? t("variants.option", { name: v.name, price: formatFen(v.priceFen), stock: v.stock })
                        : t("variants.soldOut", { name: v.name })}
                    </label>
                  ))}
                </fieldset>
              ) : null}
              <div className="button-row" style={{ alignItems: "flex-end", flexWrap: "wrap" }}>
                <label>
                  {t("cart.quantity")}{" "}
                  <input
                    type="number"
                    name="quantity"
                    min={1}
                    max={Math.min(listing.stock, 999)}
                    defaultValue={1}
                    inputMode="numeric"
                    style={{ width: "5em" }}
                  />
                </label>
                <button type="submit" className="primary">
                  {t("cart.add")}
                </button>
              </div>
            </Form>
          ) : null}
          <dl className="kv">
            <dt>{t("storefront.stock")}</dt>
            <dd>{listing.stock > 0 ? t("storefront.stockValue", { stock: listing.stock, unit: unitName }) : t("storefront.outOfStock")}</dd>
            <dt>{t("storefront.product")}</dt>
            <dd>{pick(locale, product.name.zh, product.name.en)}</dd>
            <dt>{t("storefront.category")}</dt>
            <dd>{pick(locale, category.name.zh, category.name.en)}</dd>
            <dt>{t("storefront.location")}</dt>
            <dd>
              {pick(locale, producer.province.zh, producer.province.en)} · {pick(locale, producer.county.zh, producer.county.en)}
              {producer.village ? (
                <>
                  {" · "}
                  <Link to={`/villages/${producer.village.id}`}>{pick(locale, producer.village.name.zh, producer.village.name.en)}</Link>
                </>
              ) : null}
            </dd>
          </dl>

          <section className="panel producer-card" aria-labelledby="producer-heading">
            <h2 id="producer-heading" className="meta">
              {t("storefront.producer")}
            </h2>
            <p className="producer-name">
              <Link to={`/producers/${producer.id}`}>{pick(locale, producer.name.zh, producer.name.en)}</Link>
            </p>
            <p>
              <span className="badge muted">{t(`producerKind.${producer.kind}` as const)}</span>
              {producer.verified ? (
                <span className="badge" title={t("storefront.verifiedHint")}>
                  ✓ {t("storefront.verified")}
                </span>
              ) : (
                <span className="badge warn">{t("storefront.unverified")}</span>
              )}
              {producer.povertyAlleviation ? (
                <span className="badge poverty" title={t("credit.povertyHint")}>
                  {t("credit.povertyBadge")}
                </span>
              ) : null}
            </p>
            <p className="meta" data-testid="listing-producer-credit">
              {producer.creditScore == null ? `${t("credit.title")}: ${t("credit.notEnoughData")}` : t("credit.score", { score: producer.creditScore })}
            </p>
            <p className="meta">
              {t("storefront.creditCode")}: <span className="mono">{producer.creditCode}</span>
            </p>
            <Link to={`/producers/${producer.id}`}>{t("storefront.viewProducer")}</Link>
          </section>
        </div>
      </div>

      <section aria-labelledby="description-heading">
        <h2 id="description-heading">{t("storefront.description")}</h2>
        {listing.description ? <p className="prewrap">{listing.description}</p> : <p className="meta">{t("storefront.noDescription")}</p>}
      </section>

      <section aria-labelledby="batches-heading">
        <h2 id="batches-heading">{t("storefront.batches")}</h2>
        {batches.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("storefront.lotCode")}</th>
                  <th scope="col">{t("storefront.harvestedAt")}</th>
                  <th scope="col">{t("storefront.quantity")}</th>
                </tr>
              </thead>
              <tbody>
                {batches.map((b) => (
                  <tr key={b.id}>
                    <td className="mono">{b.lotCode}</td>
                    <td>{b.harvestedAt != null ? shanghaiDate(b.harvestedAt) : "—"}</td>
                    <td>{b.quantity != null ? `${b.quantity} ${b.unit ? t(`unit.${b.unit}` as const) : ""}` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="meta">{t("storefront.noBatches")}</p>
        )}
      </section>

      {inputLot ? <InputLotPanel lot={inputLot} /> : null}

      {/* The QR code of the lot this listing sells (GS1 Digital Link) and a link to its trace page. */}
      {inputLot ? null : (
        <section id="traceability" aria-labelledby="traceability-heading" className="panel" style={{ borderStyle: "solid" }}>
          <h2 id="traceability-heading">{t("traceQr.section")}</h2>
          {trace ? (
            <div style={{ display: "flex", gap: "0.75rem", alignItems: "center", flexWrap: "wrap" }}>
              <a href={trace.path}>
                <img
                  src={`/qr${trace.path}.svg`}
                  width={120}
                  height={120}
                  loading="lazy"
                  alt={t("tracePage.qrAlt", { lot: trace.lotCode })}
                  style={{ background: "#fff", display: "block" }}
                />
              </a>
              <div style={{ flex: "1 1 12rem" }}>
                <p className="meta">{t("traceQr.lead")}</p>
                <p>
                  <a href={trace.path} className="trace-link">
                    {t("traceQr.open", { lot: trace.lotCode })}
                  </a>
                </p>
              </div>
            </div>
          ) : (
            <p className="meta">{t("traceQr.none")}</p>
          )}
        </section>
      )}

      {moreFromProducer.length ? (
        <section aria-labelledby="more-heading">
          <h2 id="more-heading">{t("storefront.moreFromProducer")}</h2>
          <ListingGrid cards={moreFromProducer} eager={0} />
        </section>
      ) : null}
    </article>
  );
}

/** An input listing's registration and lot, as the label prints them (issue 12 §4). */
function InputLotPanel({ lot }: { lot: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["inputLot"]> }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section aria-labelledby="input-lot-heading" className="panel" data-testid="input-lot-panel">
      <h2 id="input-lot-heading">{t("inputsMarket.listing.title")}</h2>
      <dl className="facts">
        <dt>{t("inputsMarket.listing.product")}</dt>
        <dd>
          {pick(locale, lot.nameZh, lot.nameEn)} · {t(`farmTrace.agriKind.${lot.kind}` as "farmTrace.agriKind.pesticide")}
        </dd>
        {lot.registrationNo ? (
          <>
            <dt>{t("inputsMarket.listing.registrationNo")}</dt>
            <dd className="mono">{lot.registrationNo}</dd>
          </>
        ) : null}
        {lot.activeIngredient ? (
          <>
            <dt>{t("inputsMarket.listing.activeIngredient")}</dt>
            <dd>{lot.activeIngredient}</dd>
          </>
        ) : null}
        <dt>{t("inputsMarket.field.makerLotNo")}</dt>
        <dd className="mono">{lot.makerLotNo}</dd>
        <dt>{t("inputsMarket.field.producedOn")}</dt>
        <dd>{lot.producedOn}</dd>
        <dt>{t("inputsMarket.field.expiresOn")}</dt>
        <dd>{lot.expiresOn}</dd>
        {lot.uses.length ? (
          <>
            <dt>{t("inputsMarket.listing.uses")}</dt>
            <dd>
              {lot.uses
                .map((u) => {
                  const d = cropDisplay(u.target);
                  return `${pick(locale, d.zh, d.en)} ${u.prohibited ? t("farmTrace.admin.prohibited") : u.intervalDays === null ? "—" : t("farmTrace.days", { days: u.intervalDays })}`;
                })
                .join("; ")}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
