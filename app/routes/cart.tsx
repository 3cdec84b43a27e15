/**
 * /cart: the buyer's cart (DB) or a guest's (signed cookie), grouped by producer. POST with
 * intent=add (from the listing page), set (new quantity; 0 removes), inc / dec (the +/– steppers: two
 * submit buttons of one form) or remove. A line is a listing and, when it has them, one variant. Works without JS.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { formatFen } from "../../core/money";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { addToCart, addToGuestCartChecked, describeGuestCart, getCart, MAX_LINE_QUANTITY, photoUrl, removeFromCart, setCartQuantity } from "~/market.server";
import type { CartEntry } from "../../market/orders/cart";
import { readGuestCart, writeGuestCart } from "~/utils/cart-cookie.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { getOptionalUser } from "~/utils/session.server";
import { act } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "cart.title");

const listingId = z.coerce.number().int().positive().max(2_147_483_647);
// 0 (or absent): a listing without variants.
const variantId = z.coerce.number().int().min(0).max(2_147_483_647).default(0);
const CartActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    listingId,
    variantId,
    quantity: z.coerce.number().int().min(1).max(MAX_LINE_QUANTITY).default(1),
  }),
  z.object({
    intent: z.literal("set"),
    listingId,
    variantId,
    quantity: z.coerce.number().int().min(0).max(MAX_LINE_QUANTITY),
  }),
  z.object({ intent: z.literal("inc"), listingId, variantId }),
  z.object({ intent: z.literal("dec"), listingId, variantId }),
  z.object({ intent: z.literal("remove"), listingId, variantId }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const db = getDb();
  const cart = user ? getCart(db, user.id) : describeGuestCart(db, await readGuestCart(request));
  const added = new URL(request.url).searchParams.get("added") === "1";
  // The limit travels with the data: ~/market.server values are not there in the browser.
  return {
    cart: { ...cart, lines: cart.lines.map(({ photoKey, ...l }) => ({ ...l, photoUrl: photoKey ? photoUrl(photoKey) : null })) },
    loggedIn: Boolean(user),
    added,
    maxQuantity: MAX_LINE_QUANTITY,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await getOptionalUser(request);
  const parsed = CartActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "cart.error.quantity" }, { status: 400 });
  const input = parsed.data;
  const db = getDb();
  const key = { listingId: input.listingId, variantId: input.variantId };
  const isLine = (e: CartEntry) => e.listingId === key.listingId && (e.variantId ?? 0) === key.variantId;
  return act(
    async () => {
      if (user) {
        if (input.intent === "add") addToCart(db, user.id, key, input.quantity);
        else if (input.intent === "set") setCartQuantity(db, user.id, key, input.quantity);
        else if (input.intent === "inc") addToCart(db, user.id, key, 1);
        else if (input.intent === "dec") {
          const line = getCart(db, user.id).lines.find((l) => l.listingId === key.listingId && l.variantId === key.variantId);
          if (line) setCartQuantity(db, user.id, key, line.quantity - 1);
        } else removeFromCart(db, user.id, key);
        return redirect(input.intent === "add" ? "/cart?added=1" : "/cart");
      }
      // A guest: the cart lives in the signed cookie.
      let entries = await readGuestCart(request);
      const have = entries.find(isLine)?.quantity ?? 0;
      const wanted =
        input.intent === "set" ? input.quantity : input.intent === "inc" ? have + 1 : input.intent === "dec" ? have - 1 : input.intent === "remove" ? 0 : null;
      if (input.intent === "add") entries = addToGuestCartChecked(db, entries, key, input.quantity);
      else if (wanted !== null && wanted <= 0) entries = entries.filter((e) => !isLine(e));
      else if (wanted !== null)
        entries = addToGuestCartChecked(
          db,
          entries.filter((e) => !isLine(e)),
          key,
          wanted,
        );
      return redirect(input.intent === "add" ? "/cart?added=1" : "/cart", { headers: { "Set-Cookie": await writeGuestCart(entries) } });
    },
    {
      request,
      // A listing gone from the catalogue is, to the buyer, one that is no longer on sale.
      notFound: { messageKey: "cart.error.unavailable", status: 400 },
      reply: (refusal) => ({ error: refusal.messageKey }),
    },
  );
}

type ShownLine = { producerId: number; producerName: string };
function groupByProducer<L extends ShownLine>(lines: L[]) {
  const groups: { producerId: number; producerName: string; lines: L[] }[] = [];
  for (const line of lines) {
    const last = groups[groups.length - 1];
    if (last?.producerId === line.producerId) last.lines.push(line);
    else groups.push({ producerId: line.producerId, producerName: line.producerName, lines: [line] });
  }
  return groups;
}

export default function CartRoute() {
  const t = useT();
  const { cart, loggedIn, added, maxQuantity } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const error = actionData && "error" in actionData ? actionData.error : null;
  return (
    <section>
      <h1>{t("cart.title")}</h1>
      {error ? (
        <p className="form-error" role="alert">
          {t.has(error) ? t(error) : error}
        </p>
      ) : null}
      {added && !error ? (
        <p className="notice" role="status">
          {t("cart.added")}
        </p>
      ) : null}
      {cart.lines.length === 0 ? (
        <p>
          {t("cart.empty")} <Link to="/listings">{t("cart.browse")}</Link>
        </p>
      ) : (
        <>
          {groupByProducer(cart.lines).map((g) => (
            <section key={g.producerId} className="panel cart-producer" aria-label={g.producerName}>
              <h2>
                <Link to={`/producers/${g.producerId}`}>{g.producerName}</Link>
              </h2>
              <ul className="cart-lines" style={{ listStyle: "none", padding: 0 }}>
                {g.lines.map((line) => (
                  <li
                    key={`${line.listingId}-${line.variantId}`}
                    className="cart-line"
                    data-listing-id={line.listingId}
                    data-variant-id={line.variantId}
                    style={{ marginBottom: "0.75rem", display: "flex", gap: "0.75rem", alignItems: "flex-start" }}
                  >
                    {line.photoUrl ? (
                      <img src={line.photoUrl} alt="" width={64} height={64} loading="lazy" style={{ objectFit: "cover", borderRadius: 6, flex: "none" }} />
                    ) : (
                      <span aria-hidden="true" style={{ width: 64, height: 64, flex: "none", background: "#eee", borderRadius: 6 }} />
                    )}
                    <div style={{ flex: 1, minWidth: 0 }}>
                      <p>
                        <Link to={`/listings/${line.listingId}`}>{line.title}</Link>
                        {line.variantName ? <span className="badge muted"> {line.variantName}</span> : null}{" "}
                        <span className="meta">
                          {formatFen(line.priceFen)} / {t(`unit.${line.unit}` as const)}
                        </span>
                      </p>
                      {!line.available ? <p className="warning">{t("cart.lineUnavailable")}</p> : null}
                      <Form method="post" className="cart-stepper" style={{ display: "flex", gap: "0.25rem", alignItems: "center", flexWrap: "wrap" }}>
                        <input type="hidden" name="listingId" value={line.listingId} />
                        <input type="hidden" name="variantId" value={line.variantId} />
                        {/* First in the form, shown after the steppers: Enter in the box sets the typed quantity. */}
                        <button type="submit" name="intent" value="set" className="secondary" style={{ minHeight: 44, order: 4 }}>
                          {t("cart.update")}
                        </button>
                        <button
                          type="submit"
                          name="intent"
                          value="dec"
                          className="secondary stepper"
                          aria-label={t("cart.decrease")}
                          style={{ minWidth: 44, minHeight: 44, order: 1 }}
                        >
                          −
                        </button>
                        <label className="sr-only" htmlFor={`qty-${line.listingId}-${line.variantId}`}>
                          {t("cart.quantity")}
                        </label>
                        <input
                          // Keyed by the saved quantity: after a stepper tap the box shows the new figure (an uncontrolled input keeps its old one).
                          key={line.quantity}
                          id={`qty-${line.listingId}-${line.variantId}`}
                          type="number"
                          name="quantity"
                          min={0}
                          max={maxQuantity}
                          defaultValue={line.quantity}
                          inputMode="numeric"
                          data-testid="cart-quantity"
                          style={{ width: "4em", minHeight: 44, textAlign: "center", order: 2 }}
                        />
                        <button
                          type="submit"
                          name="intent"
                          value="inc"
                          className="secondary stepper"
                          aria-label={t("cart.increase")}
                          style={{ minWidth: 44, minHeight: 44, order: 3 }}
                        >
                          ＋
                        </button>
                        <button type="submit" name="intent" value="remove" className="link-button" style={{ minHeight: 44, order: 5 }}>
                          {t("cart.remove")}
                        </button>
                      </Form>
                      <p>
                        {t("cart.lineTotal")}: <strong>{formatFen(line.lineTotalFen)}</strong>
                      </p>
                    </div>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          <p className="meta">{t("cart.producerCount", { count: cart.producerCount })}</p>
          <p className="price price-lg">
            {t("cart.total")}: <span data-testid="cart-total">{formatFen(cart.totalFen)}</span>
          </p>
          <div className="button-row">
            {loggedIn ? (
              <Link to="/checkout" className="button primary">
                {t("cart.checkout")}
              </Link>
            ) : (
              <Link to={`/login?redirectTo=${encodeURIComponent("/checkout")}`} className="button primary">
                {t("cart.loginToCheckout")}
              </Link>
            )}
          </div>
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
