/**
 * Remix glue for a guest's cart: a signed cookie holding [{listingId, quantity}] (at most
 * MAX_CART_LINES lines, a few hundred bytes). At login mergeGuestCartAtLogin() moves it into the
 * buyer's saved cart (app/orders/cart.server.ts mergeGuestCart) and clears the cookie, so the
 * cart survives login.
 */
import { createCookie } from "@remix-run/node";
import { getEnv } from "../../core/env";
import { GuestCartSchema, mergeGuestCart, type CartEntry } from "../../market/orders/cart";
import { getDb } from "~/utils/db.server";

const env = getEnv();

export const guestCartCookie = createCookie("cp_cart", {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secrets: [env.SESSION_SECRET],
  secure: env.NODE_ENV === "production" && process.env.COOKIE_SECURE === "true",
  maxAge: 30 * 24 * 60 * 60,
});

/** The guest cart of the request; an absent, tampered or malformed cookie is an empty cart. */
export async function readGuestCart(request: Request): Promise<CartEntry[]> {
  const value = await guestCartCookie.parse(request.headers.get("Cookie"));
  const parsed = GuestCartSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** Set-Cookie header value storing the guest cart (empty cart → the cookie is removed). */
export async function writeGuestCart(entries: CartEntry[]): Promise<string> {
  return entries.length ? guestCartCookie.serialize(entries) : guestCartCookie.serialize([], { maxAge: 0 });
}

/** At login: merges the guest cart into the user's cart and appends a Set-Cookie clearing it. */
export async function mergeGuestCartAtLogin(request: Request, userId: number, response: Response): Promise<Response> {
  const guest = await readGuestCart(request);
  if (!guest.length) return response;
  mergeGuestCart(getDb(), userId, guest);
  response.headers.append("Set-Cookie", await writeGuestCart([]));
  return response;
}
