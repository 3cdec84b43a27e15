/** A listing in a grid: photo, title, price per unit, producer and place, certification badges. */
import { Pagination } from "~/components/pagination";
import { Link } from "@remix-run/react";
import { formatFen } from "../../core/money";
import { pick } from "~/i18n/core";
import { useLocale, useT } from "~/i18n/react";
import type { ListingCard as Card } from "../../market/listings/queries";
import type { Unit } from "../../db/schema";

/** "¥12.50/斤" */
export function usePriceText() {
  const t = useT();
  return (priceFen: number, unit: Unit) => t("price.per", { price: formatFen(priceFen), unit: t(`unit.${unit}` as const) });
}

export function ListingCard({ card, lazy = true }: { card: Card; lazy?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const price = usePriceText();
  const place = card.village ? pick(locale, card.village.name.zh, card.village.name.en) : pick(locale, card.province.zh, card.province.en);
  return (
    <li className="card">
      <Link to={`/listings/${card.id}`}>
        {card.photo ? (
          <img src={card.photo.url} width={card.photo.width} height={card.photo.height} alt="" loading={lazy ? "lazy" : undefined} decoding="async" />
        ) : (
          <span className="photo-placeholder">{t("storefront.noPhoto")}</span>
        )}
        <span className="card-body">
          <span className="title">{card.title}</span>
          <span className="price">{price(card.priceFen, card.unit)}</span>
          <span className="meta">
            {pick(locale, card.producer.name.zh, card.producer.name.en)}
            {" · "}
            {place}
          </span>
          {card.producer.povertyAlleviation || card.producer.creditScore != null ? (
            <span>
              {card.producer.povertyAlleviation ? <span className="badge poverty">{t("credit.povertyBadge")}</span> : null}
              {card.producer.creditScore != null ? <span className="badge muted">{t("credit.cardScore", { score: card.producer.creditScore })}</span> : null}
            </span>
          ) : null}
          {card.certifications.length ? (
            <span>
              {card.certifications.map((c) => (
                <span key={c} className="badge">
                  {t(`cert.${c}` as const)}
                </span>
              ))}
            </span>
          ) : null}
        </span>
      </Link>
    </li>
  );
}

/** A grid of cards; the first row loads eagerly, the rest lazily. */
export function ListingGrid({ cards, eager = 2 }: { cards: Card[]; eager?: number }) {
  return (
    <ul className="grid">
      {cards.map((card, i) => (
        <ListingCard key={card.id} card={card} lazy={i >= eager} />
      ))}
    </ul>
  );
}

/** A titled, paginated section of listing cards (producer and village pages). */
export function PagedListingSection({
  id,
  title,
  listings,
}: {
  id: string;
  title: string;
  listings: { items: Card[]; total: number; page: number; pages: number };
}) {
  const t = useT();
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} <span className="meta">({listings.total})</span>
      </h2>
      {listings.items.length ? <ListingGrid cards={listings.items} /> : <p className="meta">{t("storefront.noListings")}</p>}
      <Pagination page={listings.page} pages={listings.pages} />
    </section>
  );
}
