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

export type CartEntry = { listingId: number; quantity: number };

export const GuestCartSchema = z
  .array(z.object({ listingId: z.number().int().positive(), quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) }))
  .max(MAX_CART_LINES);

type ListingForCart = { id: number; status: string; stock: number; title: string };

function listingForCart(db: Db, listingId: number): ListingForCart {
  const row = db.$client.prepare(`select id, status, stock, title from listings where id = ?`).get(listingId) as ListingForCart | undefined;
  if (!row) throw new NotFoundError("listing");
  return row;
}

function assertQuantity(quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) throw new DomainRuleError("cart.error.quantity");
}

function assertSellable(listing: ListingForCart, quantity: number): void {
  if (listing.status !== "published") throw new DomainRuleError("cart.error.unavailable");
  if (quantity > listing.stock) throw new DomainRuleError("cart.error.notEnoughStock");
}

/** Adds units of a listing to the buyer's cart (adding to what is there). Returns the new quantity. */
export function addToCart(db: Db, userId: number, listingId: number, quantity = 1, now = Date.now()): number {
  assertQuantity(quantity);
  const sqlite = db.$client;
  return sqlite.transaction(() => {
    const listing = listingForCart(db, listingId);
    const current =
      (sqlite.prepare(`select quantity from cart_items where user_id = ? and listing_id = ?`).pluck().get(userId, listingId) as number | undefined) ?? 0;
    const next = current + quantity;
    assertQuantity(next);
    assertSellable(listing, next);
    const lines = sqlite.prepare(`select count(*) from cart_items where user_id = ?`).pluck().get(userId) as number;
    if (current === 0 && lines >= MAX_CART_LINES) throw new DomainRuleError("cart.error.full");
    sqlite
      .prepare(
        `insert into cart_items (user_id, listing_id, quantity, updated_at) values (?, ?, ?, ?)
         on conflict (user_id, listing_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
      )
      .run(userId, listingId, next, now);
    return next;
    // IMMEDIATE: a deferred read-then-write transaction gets SQLITE_BUSY at once (no busy wait) when
    // another connection wrote meanwhile — 50 concurrent buyers hit it (bench/orders.ts).
  }).immediate();
}

/** Sets a line's quantity; 0 removes it. */
export function setCartQuantity(db: Db, userId: number, listingId: number, quantity: number, now = Date.now()): void {
  if (quantity === 0) return removeFromCart(db, userId, listingId);
  assertQuantity(quantity);
  assertSellable(listingForCart(db, listingId), quantity);
  const changed = db.$client
    .prepare(`update cart_items set quantity = ?, updated_at = ? where user_id = ? and listing_id = ?`)
    .run(quantity, now, userId, listingId).changes;
  if (changed === 0) addToCart(db, userId, listingId, quantity, now);
}

export function removeFromCart(db: Db, userId: number, listingId: number): void {
  db.$client.prepare(`delete from cart_items where user_id = ? and listing_id = ?`).run(userId, listingId);
}

export type CartLine = {
  listingId: number;
  title: string;
  unit: Unit;
  priceFen: number;
  stock: number;
  status: string;
  producerId: number;
  producerName: string;
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

const CART_LINE_SELECT = `select l.id as listingId, l.title, l.unit, l.price_fen as priceFen, l.stock, l.status,
  l.producer_id as producerId, p.name_zh as producerName`;

/** The buyer's cart with current prices, grouped by producer (ordered by producer, then listing). */
export function getCart(db: Db, userId: number): Cart {
  const rows = db.$client
    .prepare(
      `${CART_LINE_SELECT}, c.quantity
       from cart_items c join listings l on l.id = c.listing_id join producers p on p.id = l.producer_id
       where c.user_id = ? order by l.producer_id, c.created_at, l.id`,
    )
    .all(userId) as Omit<CartLine, "lineTotalFen" | "available">[];
  return describeCart(
    rows.map((r) => ({ ...r, lineTotalFen: r.quantity * r.priceFen, available: r.status === "published" && r.stock >= r.quantity })),
  );
}

/** A guest cart (from the cookie) described like a buyer's cart; unknown listings are dropped. */
export function describeGuestCart(db: Db, entries: CartEntry[]): Cart {
  if (!entries.length) return describeCart([]);
  const get = db.$client.prepare(
    `${CART_LINE_SELECT} from listings l join producers p on p.id = l.producer_id where l.id = ?`,
  );
  const lines: CartLine[] = [];
  for (const e of entries) {
    const r = get.get(e.listingId) as Omit<CartLine, "lineTotalFen" | "available" | "quantity"> | undefined;
    if (!r) continue;
    lines.push({ ...r, quantity: e.quantity, lineTotalFen: e.quantity * r.priceFen, available: r.status === "published" && r.stock >= e.quantity });
  }
  lines.sort((a, b) => a.producerId - b.producerId);
  return describeCart(lines);
}

/** Pure: a guest cart with `quantity` more of a listing (checked against the listing by the caller). */
export function addToGuestCart(entries: CartEntry[], listingId: number, quantity = 1): CartEntry[] {
  assertQuantity(quantity);
  const existing = entries.find((e) => e.listingId === listingId);
  if (!existing && entries.length >= MAX_CART_LINES) throw new DomainRuleError("cart.error.full");
  const next = (existing?.quantity ?? 0) + quantity;
  assertQuantity(next);
  return existing ? entries.map((e) => (e.listingId === listingId ? { ...e, quantity: next } : e)) : [...entries, { listingId, quantity }];
}

/** Checks a guest's add-to-cart against the listing (on sale, enough stock), then adds. */
export function addToGuestCartChecked(db: Db, entries: CartEntry[], listingId: number, quantity = 1): CartEntry[] {
  const next = addToGuestCart(entries, listingId, quantity);
  assertSellable(listingForCart(db, listingId), next.find((e) => e.listingId === listingId)!.quantity);
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
  return sqlite.transaction(() => {
    let merged = 0;
    const current = sqlite.prepare(`select quantity from cart_items where user_id = ? and listing_id = ?`).pluck();
    const upsert = sqlite.prepare(
      `insert into cart_items (user_id, listing_id, quantity, updated_at) values (?, ?, ?, ?)
       on conflict (user_id, listing_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
    );
    for (const e of entries.data) {
      const listing = sqlite.prepare(`select status, stock from listings where id = ?`).get(e.listingId) as { status: string; stock: number } | undefined;
      if (!listing || listing.status !== "published" || listing.stock <= 0) continue;
      const have = (current.get(userId, e.listingId) as number | undefined) ?? 0;
      const quantity = Math.min(have + e.quantity, listing.stock, MAX_LINE_QUANTITY);
      if (quantity <= have) continue;
      upsert.run(userId, e.listingId, quantity, now);
      merged++;
    }
    return merged;
  }).immediate();
}
