/**
 * /checkout: contact phone + pickup point → the core checkout (one order, one sub-order per
 * producer, stock reserved in the same transaction) → the order's PaymentIntent → /orders/:id/pay.
 */
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { FieldError } from "~/components/forms";
import { formatFen } from "~/domain/money";
import { normalisePhone } from "~/domain/phone";
import { useT } from "~/i18n/react";
import type { Params } from "~/i18n/core";
import { DomainRuleError } from "~/listings/listings.server";
import { getCart } from "~/orders/cart.server";
import { checkout, ListingUnavailableError, SoldOutError } from "~/orders/checkout.server";
import { listDeliveryPoints } from "~/orders/pages.server";
import { offersPayAtPickup } from "~/orders/fulfilment.server";
import { createPaymentIntent, getStripe } from "~/payments/stripe.server";
import { getDb } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "checkout.title");

const CheckoutSchema = z.object({
  contactPhone: z
    .string({ required_error: "orders.error.phone" })
    .trim()
    .refine((v) => normalisePhone(v) !== null, "orders.error.phone"),
  deliveryPointId: z.coerce
    .number({ required_error: "orders.error.deliveryPoint", invalid_type_error: "orders.error.deliveryPoint" })
    .int()
    .positive("orders.error.deliveryPoint"),
  // 到站付款 (W3): a checkbox; only staffed village stations accept it (checkout enforces it).
  payAtPickup: z.literal("on").optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const cart = getCart(db, user.id);
  if (cart.lines.length === 0) throw redirect("/cart");
  return { cart, points: listDeliveryPoints(db).map((p) => ({ ...p, payAtPickup: offersPayAtPickup(db, p.id) })), phone: user.phone };
}

type CheckoutError = { key: string; params?: Params };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await request.formData(), { schema: CheckoutSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), error: null as CheckoutError | null }, { status: 400 });
  }
  const db = getDb();
  let orderId: number;
  try {
    orderId = checkout(db, user, { ...submission.value, payAtPickup: submission.value.payAtPickup === "on" }).orderId;
  } catch (error) {
    let e: CheckoutError | null = null;
    if (error instanceof SoldOutError) {
      e = { key: "orders.error.soldOut", params: { title: error.title, available: error.available, wanted: error.wanted } };
    } else if (error instanceof ListingUnavailableError) {
      e = { key: "orders.error.unavailable", params: { title: error.title } };
    } else if (error instanceof DomainRuleError) {
      e = { key: error.messageKey };
    }
    if (!e) throw error;
    return data({ result: submission.reply(), error: e }, { status: 400 });
  }
  // 到站付款: no PaymentIntent; the station's operator confirms the payment at pickup.
  if (submission.value.payAtPickup === "on") return redirect(`/orders/${orderId}`);
  // The order (and its stock reservation) exists now. A Stripe hiccup here is not fatal: the pay
  // page asks createPaymentIntent again, which reuses the order's idempotency key.
  try {
    await createPaymentIntent(db, getStripe(), orderId);
  } catch (error) {
    logger.warn({ err: error, orderId }, "checkout: PaymentIntent not created yet");
  }
  return redirect(`/orders/${orderId}/pay`);
}

export default function CheckoutRoute() {
  const t = useT();
  const { cart, points, phone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "checkout",
    lastResult: actionData?.result,
    constraint: getZodConstraint(CheckoutSchema),
    defaultValue: { contactPhone: phone },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CheckoutSchema }),
    shouldRevalidate: "onBlur",
  });
  const error = actionData?.error;
  return (
    <section>
      <h1>{t("checkout.title")}</h1>
      {error ? (
        <p className="form-error" role="alert">
          {t.has(error.key) ? t(error.key, error.params) : error.key}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="summary-heading">
        <h2 id="summary-heading">{t("checkout.summary")}</h2>
        <ul>
          {cart.lines.map((l) => (
            <li key={l.listingId}>
              {l.title} × {l.quantity} <span className="meta">({l.producerName})</span> — {formatFen(l.lineTotalFen)}
            </li>
          ))}
        </ul>
        <p className="meta">{t("cart.producerCount", { count: cart.producerCount })}</p>
        <p className="price">
          {t("cart.total")}: {formatFen(cart.totalFen)}
        </p>
        <Link to="/cart">{t("cart.viewCart")}</Link>
      </section>

      <Form method="post" className="form" {...getFormProps(form)}>
        <div className="field">
          <label htmlFor={fields.contactPhone.id}>{t("checkout.contactPhone")}</label>
          <input {...getInputProps(fields.contactPhone, { type: "tel" })} autoComplete="tel" inputMode="tel" />
          <p className="hint">{t("checkout.contactPhoneHint")}</p>
          <FieldError id={fields.contactPhone.errorId} errors={fields.contactPhone.errors} />
        </div>
        <fieldset className="field">
          <legend>{t("checkout.deliveryPoint")}</legend>
          {points.length === 0 ? <p className="warning">{t("checkout.noDeliveryPoints")}</p> : null}
          {points.map((p) => (
            <label key={p.id} style={{ display: "block", marginBottom: "0.5rem" }}>
              <input
                type="radio"
                name={fields.deliveryPointId.name}
                value={p.id}
                defaultChecked={fields.deliveryPointId.initialValue === String(p.id)}
                required
              />{" "}
              {p.name} <span className="meta">{p.address}</span>
            </label>
          ))}
          <FieldError id={fields.deliveryPointId.errorId} errors={fields.deliveryPointId.errors} />
        </fieldset>
        {/* W3: pay at pickup (到站付款), offered when a staffed village station exists */}
        {points.some((p) => p.payAtPickup) ? (
          <div className="field">
            <label>
              <input type="checkbox" name={fields.payAtPickup.name} /> {t("fulfilment.payAtPickup")}
            </label>
            <p className="hint">{t("fulfilment.payAtPickupHint")}</p>
          </div>
        ) : null}
        <div className="button-row">
          <button type="submit" className="primary">
            {t("checkout.placeOrder")} · {formatFen(cart.totalFen)}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
