/**
 * /cart: the buyer's cart (DB) or a guest's (signed cookie), grouped by producer. POST with
 * intent=add (from the listing page), set (new quantity; 0 removes) or remove. Works without JS.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { formatFen } from "../../core/money";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { useT } from "~/i18n/react";
import { addToCart, addToGuestCartChecked, describeGuestCart, getCart, MAX_LINE_QUANTITY, removeFromCart, setCartQuantity, type CartLine } from "~/market.server";
import { readGuestCart, writeGuestCart } from "~/utils/cart-cookie.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { getOptionalUser } from "~/utils/session.server";
import { act } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "cart.title");

const CartActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("add"),
    listingId: z.coerce.number().int().positive().max(2_147_483_647),
    quantity: z.coerce.number().int().min(1).max(MAX_LINE_QUANTITY).default(1),
  }),
  z.object({
    intent: z.literal("set"),
    listingId: z.coerce.number().int().positive().max(2_147_483_647),
    quantity: z.coerce.number().int().min(0).max(MAX_LINE_QUANTITY),
  }),
  z.object({ intent: z.literal("remove"), listingId: z.coerce.number().int().positive().max(2_147_483_647) }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  const db = getDb();
  const cart = user ? getCart(db, user.id) : describeGuestCart(db, await readGuestCart(request));
  const added = new URL(request.url).searchParams.get("added") === "1";
  // The limit travels with the data: ~/market.server values are not there in the browser.
  return { cart, loggedIn: Boolean(user), added, maxQuantity: MAX_LINE_QUANTITY };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await getOptionalUser(request);
  const parsed = CartActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "cart.error.quantity" }, { status: 400 });
  const input = parsed.data;
  const db = getDb();
  return act(async () => {
    if (user) {
      if (input.intent === "add") addToCart(db, user.id, input.listingId, input.quantity);
      else if (input.intent === "set") setCartQuantity(db, user.id, input.listingId, input.quantity);
      else removeFromCart(db, user.id, input.listingId);
      return redirect(input.intent === "add" ? "/cart?added=1" : "/cart");
    }
    // A guest: the cart lives in the signed cookie.
    let entries = await readGuestCart(request);
    if (input.intent === "add") entries = addToGuestCartChecked(db, entries, input.listingId, input.quantity);
    else if (input.intent === "remove" || input.quantity === 0) entries = entries.filter((e) => e.listingId !== input.listingId);
    else {
      const others = entries.filter((e) => e.listingId !== input.listingId);
      entries = addToGuestCartChecked(db, others, input.listingId, input.quantity);
    }
    return redirect(input.intent === "add" ? "/cart?added=1" : "/cart", { headers: { "Set-Cookie": await writeGuestCart(entries) } });
  }, {
    request,
    // A listing gone from the catalogue is, to the buyer, one that is no longer on sale.
    notFound: { messageKey: "cart.error.unavailable", status: 400 },
    reply: (refusal) => ({ error: refusal.messageKey }),
  });
}

function groupByProducer(lines: CartLine[]) {
  const groups: { producerId: number; producerName: string; lines: CartLine[] }[] = [];
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
                  <li key={line.listingId} className="cart-line" data-listing-id={line.listingId} style={{ marginBottom: "0.75rem" }}>
                    <p>
                      <Link to={`/listings/${line.listingId}`}>{line.title}</Link>{" "}
                      <span className="meta">
                        {formatFen(line.priceFen)} / {t(`unit.${line.unit}` as const)}
                      </span>
                    </p>
                    {!line.available ? <p className="warning">{t("cart.lineUnavailable")}</p> : null}
                    <div className="button-row" style={{ flexWrap: "wrap", alignItems: "center" }}>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="set" />
                        <input type="hidden" name="listingId" value={line.listingId} />
                        <label>
                          {t("cart.quantity")}{" "}
                          <input
                            type="number"
                            name="quantity"
                            min={0}
                            max={maxQuantity}
                            defaultValue={line.quantity}
                            inputMode="numeric"
                            style={{ width: "5em" }}
                          />
                        </label>{" "}
                        <button type="submit" className="secondary">
                          {t("cart.update")}
                        </button>
                      </Form>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="listingId" value={line.listingId} />
                        <button type="submit" className="link-button">
                          {t("cart.remove")}
                        </button>
                      </Form>
                      <span>
                        {t("cart.lineTotal")}: <strong>{formatFen(line.lineTotalFen)}</strong>
                      </span>
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
