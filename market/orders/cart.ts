/**
 * The cart. A logged-in buyer's cart is rows in cart_items; a guest's cart is a short list of
 * {listingId, quantity} kept in a signed cookie (app/utils/cart-cookie.server.ts), merged into
 * the buyer's cart at login by mergeGuestCart(). Plain module, no Remix.
 *
 * Adding checks that the listing is on sale and that the wanted quantity is in stock right now;
 * stock is only reserved at checkout (a cart holds nothing).
 */
import { z } from "zod";
import type { Db } from "../../db/client";
import type { Unit } from "../../db/schema";
import { DomainRuleError, NotFoundError } from "../../core/errors";

/** Upper bound on one cart line (and on a guest cookie's size: at most MAX_CART_LINES lines). */
export const MAX_LINE_QUANTITY = 999;
export const MAX_CART_LINES = 50;

/** variantId 0 (or absent): a listing without variants. */
export type CartEntry = { listingId: number; quantity: number; variantId?: number };
/** A cart line's key: a listing id (no variant) or a listing and one of its variants. */
export type CartKey = number | { listingId: number; variantId: number };

function keyOf(key: CartKey): { listingId: number; variantId: number } {
  return typeof key === "number" ? { listingId: key, variantId: 0 } : key;
}

export const GuestCartSchema = z
  .array(
    z.object({
      listingId: z.number().int().positive(),
      quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY),
      variantId: z.number().int().nonnegative().optional(),
    }),
  )
  .max(MAX_CART_LINES);

type ListingForCart = { id: number; status: string; stock: number; title: string };

/** The listing as a cart line sells it: with a variant, that variant's stock; a listing with variants needs one. */
function listingForCart(db: Db, key: CartKey): ListingForCart {
  const { listingId, variantId } = keyOf(key);
  const row = db.$client.prepare(`select id, status, stock, title from listings where id = ?`).get(listingId) as ListingForCart | undefined;
  if (!row) throw new NotFoundError("listing");
  const sqlite = db.$client;
  if (variantId) {
    const v = sqlite.prepare(`select stock, name from listing_variants where id = ? and listing_id = ?`).get(variantId, listingId) as
      { stock: number; name: string } | undefined;
    if (!v) throw new DomainRuleError("cart.error.chooseVariant");
    return { ...row, stock: v.stock, title: `${row.title} ${v.name}` };
  }
  if (sqlite.prepare(`select 1 from listing_variants where listing_id = ? limit 1`).get(listingId)) throw new DomainRuleError("cart.error.chooseVariant");
  return row;
}

function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) throw new DomainRuleError("cart.error.quantity");
}

function assertSellable(listing: ListingForCart, quantity: number): void {
  if (listing.status !== "published") throw new DomainRuleError("cart.error.unavailable");
  if (quantity > listing.stock) throw new DomainRuleError("cart.error.notEnoughStock");
}

/** Adds units of a listing (or one of its variants) to the buyer's cart (adding to what is there). Returns the new quantity. */
export function addToCart(db: Db, userId: number, key: CartKey, quantity = 1, now = Date.now()): number {
  assertQuantity(quantity);
  const { listingId, variantId } = keyOf(key);
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      const listing = listingForCart(db, key);
      const current =
        (sqlite.prepare(`select quantity from cart_items where user_id = ? and listing_id = ? and variant_id = ?`).pluck().get(userId, listingId, variantId) as
          number | undefined) ?? 0;
      const next = current + quantity;
      assertQuantity(next);
      assertSellable(listing, next);
      const lines = sqlite.prepare(`select count(*) from cart_items where user_id = ?`).pluck().get(userId) as number;
      if (current === 0 && lines >= MAX_CART_LINES) throw new DomainRuleError("cart.error.full");
      sqlite
        .prepare(
          `insert into cart_items (user_id, listing_id, variant_id, quantity, updated_at) values (?, ?, ?, ?, ?)
         on conflict (user_id, listing_id, variant_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
        )
        .run(userId, listingId, variantId, next, now);
      return next;
      // IMMEDIATE: a deferred read-then-write transaction gets SQLITE_BUSY at once (no busy wait) when
      // another connection wrote meanwhile — 50 concurrent buyers hit it (bench/orders.ts).
    })
    .immediate();
}

/** Sets a line's quantity; 0 removes it. */
export function setCartQuantity(db: Db, userId: number, key: CartKey, quantity: number, now = Date.now()): void {
  if (quantity === 0) return removeFromCart(db, userId, key);
  assertQuantity(quantity);
  const { listingId, variantId } = keyOf(key);
  assertSellable(listingForCart(db, key), quantity);
  const changed = db.$client
    .prepare(`update cart_items set quantity = ?, updated_at = ? where user_id = ? and listing_id = ? and variant_id = ?`)
    .run(quantity, now, userId, listingId, variantId).changes;
  if (changed === 0) addToCart(db, userId, key, quantity, now);
}

export function removeFromCart(db: Db, userId: number, key: CartKey): void {
  const { listingId, variantId } = keyOf(key);
  db.$client.prepare(`delete from cart_items where user_id = ? and listing_id = ? and variant_id = ?`).run(userId, listingId, variantId);
}

export type CartLine = {
  listingId: number;
  /** 0: the listing has no variants. */
  variantId: number;
  variantName: string | null;
  title: string;
  unit: Unit;
  priceFen: number;
  stock: number;
  status: string;
  producerId: number;
  producerName: string;
  /** The listing's cover photo (file key), for the cart's thumbnail. */
  photoKey: string | null;
  quantity: number;
  lineTotalFen: number;
  /** False when the listing went off sale or has less stock than wanted: checkout would refuse it. */
  available: boolean;
};

export type Cart = { lines: CartLine[]; totalFen: number; producerCount: number };

function describeCart(lines: CartLine[]): Cart {
  return {
    lines,
    totalFen: lines.reduce((s, l) => s + l.lineTotalFen, 0),
    producerCount: new Set(lines.map((l) => l.producerId)).size,
  };
}

/** A line's price and stock are its variant's when it names one. */
const CART_LINE_SELECT = `select l.id as listingId, coalesce(v.id, 0) as variantId, v.name as variantName, l.title, l.unit,
  coalesce(v.price_fen, l.price_fen) as priceFen, coalesce(v.stock, l.stock) as stock, l.status,
  l.producer_id as producerId, p.name_zh as producerName,
  (select ph.file_key from listing_photos ph where ph.listing_id = l.id order by ph.position, ph.id limit 1) as photoKey,
  (v.id is null and exists (select 1 from listing_variants x where x.listing_id = l.id)) as needsVariant`;

type LineRow = Omit<CartLine, "lineTotalFen" | "available"> & { needsVariant: number };

function toLine({ needsVariant, ...r }: LineRow): CartLine {
  return { ...r, lineTotalFen: r.quantity * r.priceFen, available: !needsVariant && r.status === "published" && r.stock >= r.quantity };
}

/** The buyer's cart with current prices, grouped by producer (ordered by producer, then listing). */
export function getCart(db: Db, userId: number): Cart {
  const rows = db.$client
    .prepare(
      `${CART_LINE_SELECT}, c.quantity
       from cart_items c join listings l on l.id = c.listing_id join producers p on p.id = l.producer_id
       left join listing_variants v on v.id = c.variant_id and v.listing_id = l.id
       where c.user_id = ? order by l.producer_id, c.created_at, l.id, c.variant_id`,
    )
    .all(userId) as LineRow[];
  return describeCart(rows.map(toLine));
}

/** A guest cart (from the cookie) described like a buyer's cart; unknown listings are dropped. */
export function describeGuestCart(db: Db, entries: CartEntry[]): Cart {
  if (!entries.length) return describeCart([]);
  const get = db.$client.prepare(
    `${CART_LINE_SELECT}, ? as quantity from listings l join producers p on p.id = l.producer_id
     left join listing_variants v on v.id = ? and v.listing_id = l.id where l.id = ?`,
  );
  const lines: CartLine[] = [];
  for (const e of entries) {
    const r = get.get(e.quantity, e.variantId ?? 0, e.listingId) as LineRow | undefined;
    if (!r || (e.variantId && !r.variantId)) continue;
    lines.push(toLine(r));
  }
  lines.sort((a, b) => a.producerId - b.producerId);
  return describeCart(lines);
}

const sameLine = (e: CartEntry, listingId: number, variantId: number) => e.listingId === listingId && (e.variantId ?? 0) === variantId;

/** Pure: a guest cart with `quantity` more of a listing (checked against the listing by the caller). */
export function addToGuestCart(entries: CartEntry[], key: CartKey, quantity = 1): CartEntry[] {
  assertQuantity(quantity);
  const { listingId, variantId } = keyOf(key);
  const existing = entries.find((e) => sameLine(e, listingId, variantId));
  if (!existing && entries.length >= MAX_CART_LINES) throw new DomainRuleError("cart.error.full");
  const next = (existing?.quantity ?? 0) + quantity;
  assertQuantity(next);
  return existing
    ? entries.map((e) => (sameLine(e, listingId, variantId) ? { ...e, quantity: next } : e))
    : [...entries, variantId ? { listingId, quantity, variantId } : { listingId, quantity }];
}

/** Checks a guest's add-to-cart against the listing (on sale, enough stock), then adds. */
export function addToGuestCartChecked(db: Db, entries: CartEntry[], key: CartKey, quantity = 1): CartEntry[] {
  const next = addToGuestCart(entries, key, quantity);
  const { listingId, variantId } = keyOf(key);
  assertSellable(listingForCart(db, key), next.find((e) => sameLine(e, listingId, variantId))!.quantity);
  return next;
}

/**
 * At login: the guest's lines are added to the buyer's saved cart. Quantities of a listing in
 * both add up, capped at the listing's stock and MAX_LINE_QUANTITY (a merge never fails);
 * listings that are gone or off sale are skipped. Returns how many lines were merged.
 */
export function mergeGuestCart(db: Db, userId: number, guest: CartEntry[], now = Date.now()): number {
  const entries = GuestCartSchema.safeParse(guest);
  if (!entries.success || entries.data.length === 0) return 0;
  const sqlite = db.$client;
  return sqlite
    .transaction(() => {
      let merged = 0;
      const current = sqlite.prepare(`select quantity from cart_items where user_id = ? and listing_id = ? and variant_id = ?`).pluck();
      const upsert = sqlite.prepare(
        `insert into cart_items (user_id, listing_id, variant_id, quantity, updated_at) values (?, ?, ?, ?, ?)
       on conflict (user_id, listing_id, variant_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
      );
      for (const e of entries.data) {
        const variantId = e.variantId ?? 0;
        let listing: ListingForCart;
        try {
          listing = listingForCart(db, { listingId: e.listingId, variantId });
        } catch {
          continue; // gone, or a variant that no longer exists
        }
        if (listing.status !== "published" || listing.stock <= 0) continue;
        const have = (current.get(userId, e.listingId, variantId) as number | undefined) ?? 0;
        const quantity = Math.min(have + e.quantity, listing.stock, MAX_LINE_QUANTITY);
        if (quantity <= have) continue;
        upsert.run(userId, e.listingId, variantId, quantity, now);
        merged++;
      }
      return merged;
    })
    .immediate();
}
