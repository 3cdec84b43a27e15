/**
 * The listing tools sellers expect (issue 13 §4): copy a listing, size/weight variants, edit price
 * and stock of several listings at once, photo order and cover, and the low-stock notice.
 * Plain module; every function takes the acting user and checks ownership itself.
 */
import type { Db } from "../../db/client";
import type Database from "better-sqlite3";
import { DomainRuleError, ForbiddenError, NotFoundError } from "../../core/errors";
import { canEditListing, type Actor } from "../../core/permissions";
import { indexListing } from "./listings";

type Sqlite = Database.Database;

/** At most this many variants per listing (a size grid, not a catalogue). */
export const MAX_VARIANTS = 12;
export const COPY_SUFFIX = " 副本";

type ListingRow = {
  id: number;
  producerId: number;
  productId: number;
  categoryId: number;
  title: string;
  stock: number;
  lowStockThreshold: number;
};

function ownedListing(sqlite: Sqlite, actor: Actor, listingId: number): ListingRow {
  const row = sqlite
    .prepare(
      `select id, producer_id as producerId, product_id as productId, category_id as categoryId, title, stock,
              low_stock_threshold as lowStockThreshold
       from listings where id = ?`,
    )
    .get(listingId) as ListingRow | undefined;
  if (!row) throw new NotFoundError("listing");
  if (!canEditListing(actor, row)) throw new ForbiddenError();
  return row;
}

// ─── copy ────────────────────────────────────────────────────────────────────

/**
 * A new draft with the same fields, certifications, photos (the same stored files: they are
 * content-addressed), variants and lots; the title gets 副本. Returns the new listing's id.
 */
export function copyListing(db: Db, actor: Actor, listingId: number, now = Date.now()): number {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const source = ownedListing(sqlite, actor, listingId);
      // Titles are at most 60 characters (the form's rule): shorten the original, keep the suffix.
      const title = source.title.slice(0, 60 - COPY_SUFFIX.length) + COPY_SUFFIX;
      const id = Number(
        sqlite
          .prepare(
            `insert into listings (product_id, producer_id, category_id, title, description, unit, price_fen, stock, status,
                                   sold_by_weight, estimated_piece_weight_g, storage, package_volume_cm3, low_stock_threshold,
                                   created_by, created_at, updated_at)
             select product_id, producer_id, category_id, ?, description, unit, price_fen, stock, 'draft',
                    sold_by_weight, estimated_piece_weight_g, storage, package_volume_cm3, low_stock_threshold, ?, ?, ?
             from listings where id = ?`,
          )
          .run(title, actor.id, now, now, listingId).lastInsertRowid,
      );
      sqlite
        .prepare(
          `insert into listing_certifications (listing_id, kind, certificate_no) select ?, kind, certificate_no from listing_certifications where listing_id = ?`,
        )
        .run(id, listingId);
      sqlite
        .prepare(
          `insert into listing_photos (listing_id, file_key, width, height, bytes, position, created_at)
           select ?, file_key, width, height, bytes, position, ? from listing_photos where listing_id = ? order by position, id`,
        )
        .run(id, now, listingId);
      sqlite
        .prepare(
          `insert into listing_variants (listing_id, name, price_fen, stock, position, created_at)
           select ?, name, price_fen, stock, position, ? from listing_variants where listing_id = ? order by position, id`,
        )
        .run(id, now, listingId);
      sqlite.prepare(`insert into listing_batches (listing_id, batch_id) select ?, batch_id from listing_batches where listing_id = ?`).run(id, listingId);
      indexListing(db, id);
      return id;
    })
    .immediate();
}

// ─── variants ────────────────────────────────────────────────────────────────

export type Variant = { id: number; name: string; priceFen: number; stock: number };
export type VariantInput = { name: string; priceFen: number; stock: number };

export function listVariants(db: Db, listingId: number): Variant[] {
  return db.$client
    .prepare(`select id, name, price_fen as priceFen, stock from listing_variants where listing_id = ? order by position, id`)
    .all(listingId) as Variant[];
}

/**
 * Replaces a listing's variants with `input` (matched by name: an existing name keeps its id, so
 * carts and order lines still point at it). A variant that was ever ordered cannot be removed
 * (set its stock to 0 instead). The listing's stock becomes the sum of the variants' and its
 * price the lowest (the storefront shows "from"); an empty list leaves a plain listing whose
 * price and stock are edited as before.
 */
export function setListingVariants(db: Db, actor: Actor, listingId: number, input: VariantInput[], now = Date.now()): void {
  const sqlite = db.$client;
  const names = input.map((v) => v.name.trim());
  if (names.some((n) => !n || n.length > 20)) throw new DomainRuleError("variants.error.name");
  if (new Set(names).size !== names.length) throw new DomainRuleError("variants.error.duplicate");
  if (input.length > MAX_VARIANTS) throw new DomainRuleError("variants.error.tooMany");
  for (const v of input) {
    if (!Number.isSafeInteger(v.priceFen) || v.priceFen <= 0) throw new DomainRuleError("farm.price.invalid");
    if (!Number.isSafeInteger(v.stock) || v.stock < 0) throw new DomainRuleError("farm.stock.invalid");
  }
  sqlite
    .transaction(() => {
      const listing = ownedListing(sqlite, actor, listingId);
      const before = listVariants(db, listingId);
      for (const old of before) {
        if (names.includes(old.name)) continue;
        const sold = sqlite.prepare(`select 1 from order_lines where variant_id = ? limit 1`).get(old.id);
        if (sold) throw new DomainRuleError("variants.error.sold", { name: old.name });
        sqlite.prepare(`delete from cart_items where variant_id = ?`).run(old.id);
        sqlite.prepare(`delete from listing_variants where id = ?`).run(old.id);
      }
      const upsert = sqlite.prepare(
        `insert into listing_variants (listing_id, name, price_fen, stock, position, created_at) values (?, ?, ?, ?, ?, ?)
         on conflict (listing_id, name) do update set price_fen = excluded.price_fen, stock = excluded.stock, position = excluded.position`,
      );
      input.forEach((v, position) => upsert.run(listingId, v.name.trim(), v.priceFen, v.stock, position, now));
      if (input.length) {
        const stock = input.reduce((s, v) => s + v.stock, 0);
        const price = Math.min(...input.map((v) => v.priceFen));
        sqlite.prepare(`update listings set stock = ?, price_fen = ?, updated_at = ? where id = ?`).run(stock, price, now, listingId);
        // Lines put in the cart before the listing had variants name none: the buyer must choose one.
        sqlite.prepare(`delete from cart_items where listing_id = ? and variant_id = 0`).run(listingId);
        noteStockChange(sqlite, listing, listing.stock, stock, now);
      }
    })
    .immediate();
}

// ─── bulk price and stock ────────────────────────────────────────────────────

export type BulkRow = { listingId: number; priceFen: number; stock: number };

/**
 * Sets price and stock of several listings in one transaction: all or nothing. Every listing must
 * be the actor's (else ForbiddenError and nothing changes); a listing with variants is refused
 * (its price and stock are its variants').
 */
export function bulkUpdatePriceStock(db: Db, actor: Actor, rows: BulkRow[], now = Date.now()): number {
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      let changed = 0;
      for (const row of rows) {
        const listing = ownedListing(sqlite, actor, row.listingId);
        const hasVariants = sqlite.prepare(`select 1 from listing_variants where listing_id = ? limit 1`).get(row.listingId);
        const current = sqlite.prepare(`select price_fen as priceFen, stock from listings where id = ?`).get(row.listingId) as {
          priceFen: number;
          stock: number;
        };
        if (current.priceFen === row.priceFen && current.stock === row.stock) continue;
        if (hasVariants) throw new DomainRuleError("bulk.error.hasVariants", { title: listing.title });
        sqlite.prepare(`update listings set price_fen = ?, stock = ?, updated_at = ? where id = ?`).run(row.priceFen, row.stock, now, row.listingId);
        noteStockChange(sqlite, listing, current.stock, row.stock, now);
        changed++;
      }
      return changed;
    })
    .immediate();
}

// ─── photos ──────────────────────────────────────────────────────────────────

export type PhotoMove = "cover" | "up" | "down";

/** Moves one photo of a listing: to the front (the cover: what cards and the listing page show first), or one place up or down. */
export function movePhoto(db: Db, actor: Actor, listingId: number, photoId: number, move: PhotoMove): void {
  const sqlite = db.$client;
  sqlite
    .transaction(() => {
      ownedListing(sqlite, actor, listingId);
      const ids = sqlite.prepare(`select id from listing_photos where listing_id = ? order by position, id`).pluck().all(listingId) as number[];
      const at = ids.indexOf(photoId);
      if (at < 0) throw new NotFoundError("photo");
      const to = move === "cover" ? 0 : move === "up" ? Math.max(0, at - 1) : Math.min(ids.length - 1, at + 1);
      ids.splice(at, 1);
      ids.splice(to, 0, photoId);
      const set = sqlite.prepare(`update listing_photos set position = ? where id = ?`);
      ids.forEach((id, position) => set.run(position, id));
      sqlite.prepare(`update listings set updated_at = ? where id = ?`).run(Date.now(), listingId);
    })
    .immediate();
}

// ─── stock ───────────────────────────────────────────────────────────────────

/**
 * The low-stock notice: when a listing's stock falls from above its threshold to at or below it,
 * every member of its producer gets one notice (once per crossing: refilling above the threshold
 * arms it again). Call inside the transaction that changes the stock.
 */
export function noteStockChange(
  sqlite: Sqlite,
  listing: { id: number; producerId: number; title: string; lowStockThreshold: number },
  before: number,
  after: number,
  now = Date.now(),
): boolean {
  if (!(before > listing.lowStockThreshold && after <= listing.lowStockThreshold)) return false;
  const members = sqlite.prepare(`select user_id from producer_members where producer_id = ?`).pluck().all(listing.producerId) as number[];
  const insert = sqlite.prepare(
    `insert into notifications (user_id, kind, message_key, params, link, created_at) values (?, 'low_stock', 'notices.lowStock', ?, ?, ?)`,
  );
  for (const userId of members) insert.run(userId, JSON.stringify({ title: listing.title, stock: after }), `/farm/listings/${listing.id}/edit`, now);
  return true;
}

/** For checkout: the listing's fields noteStockChange needs. */
export function listingForStockNotice(sqlite: Sqlite, listingId: number) {
  return sqlite.prepare(`select id, producer_id as producerId, title, low_stock_threshold as lowStockThreshold from listings where id = ?`).get(listingId) as {
    id: number;
    producerId: number;
    title: string;
    lowStockThreshold: number;
  };
}
