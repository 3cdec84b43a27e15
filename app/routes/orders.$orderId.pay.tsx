/**
 * /orders/:orderId/pay: the amount and the payment methods (card, Alipay, WeChat Pay).
 *
 * Production: this page would host Stripe.js (Payment Element with the intent's client secret).
 * TODO(issue 4): mount Stripe.js / Payment Element here once a publishable key is configured;
 * until then production shows only a notice — there is deliberately no fake "pay" button.
 *
 * Test mode (STRIPE_API_BASE points at stripe-mock): a clearly labelled button whose action
 * delivers a SIGNED payment_intent.succeeded event for the order's real PaymentIntent to the
 * webhook handler, like `stripe trigger` would (app/payments/test-mode.server.ts).
 */
import { shanghaiDateTime } from "../../core/clock";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatFen } from "../../core/money";
import { useT } from "~/i18n/react";
import { PAYMENT_METHOD_TYPES, createPaymentIntent, getStripe, webhookSecret, isStripeTestMode, simulateTestPayment } from "~/market.server";
import { logger } from "~/kernel.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { parseOrderId, requireOrderForViewer } from "~/utils/order-access.server";
import { requireUser } from "~/utils/session.server";
import { act, notFound } from "~/utils/http.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pay.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const orderId = parseOrderId(params.orderId);
  let order = requireOrderForViewer(user, orderId);
  const payable = order.status === "pending_payment";
  if (payable && !order.stripePaymentIntentId) {
    // Checkout could not reach Stripe: try again (same idempotency key, so no second intent).
    try {
      await createPaymentIntent(getDb(), getStripe(), orderId);
      order = requireOrderForViewer(user, orderId);
    } catch (error) {
      logger.warn({ err: error, orderId }, "pay: PaymentIntent not created");
    }
  }
  return {
    order: { id: order.id, status: order.status, totalFen: order.totalFen, subOrderCount: order.subOrders.length },
    payable: payable && Boolean(order.stripePaymentIntentId),
    reservedUntil: order.reservedUntil ? shanghaiDateTime(order.reservedUntil) : null,
    methods: [...PAYMENT_METHOD_TYPES],
    testMode: isStripeTestMode(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const orderId = parseOrderId(params.orderId);
  const order = requireOrderForViewer(user, orderId);
  // Only the buyer pays, and only against stripe-mock: otherwise this action does not exist.
  if (order.buyerId !== user.id || !isStripeTestMode()) notFound();
  return act(
    async () => {
      const result = await simulateTestPayment(getDb(), getStripe(), orderId, webhookSecret());
      if (result.status !== 200) {
        logger.error({ orderId, error: result.error }, "test-mode payment: webhook refused the event");
        return data({ error: "pay.failed" as const }, { status: 500 });
      }
      return redirect(`/orders/${orderId}`);
    },
    { request, reply: () => ({ error: "orders.error.notPayable" as const }) },
  );
}

export default function PayRoute() {
  const t = useT();
  const { order, payable, reservedUntil, methods, testMode } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("pay.title")}</h1>
      <p>
        <Link to={`/orders/${order.id}`}>{t("orders.orderNo", { id: order.id })}</Link> ·{" "}
        <span className="badge">{t(`orders.status.${order.status}` as const)}</span> · {t("orders.subOrderCount", { count: order.subOrderCount })}
      </p>
      <p className="price price-lg">
        {t("pay.amount")}: <span data-testid="pay-amount">{formatFen(order.totalFen)}</span>
      </p>
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {t(actionData.error)}
        </p>
      ) : null}
      {!payable ? (
        <p className="notice">
          {t("pay.notPayable")} <Link to={`/orders/${order.id}`}>{t("pay.viewOrder")}</Link>
        </p>
      ) : (
        <>
          {reservedUntil ? <p className="meta">{t("pay.reservedUntil", { time: reservedUntil })}</p> : null}
          <fieldset className="field">
            <legend>{t("pay.methods")}</legend>
            <ul className="chips" aria-label={t("pay.methods")}>
              {methods.map((m) => (
                <li key={m} className="badge">
                  {t(`pay.method.${m}` as const)}
                </li>
              ))}
            </ul>
          </fieldset>
          {testMode ? (
            <section className="panel warning" aria-labelledby="test-mode-heading" data-testid="test-mode">
              <h2 id="test-mode-heading">{t("pay.testMode")}</h2>
              <p className="meta">{t("pay.testModeHint")}</p>
              <Form method="post">
                <button type="submit" className="primary">
                  {t("pay.testModePay")} · {formatFen(order.totalFen)}
                </button>
              </Form>
            </section>
          ) : (
            // TODO(issue 4): Stripe.js Payment Element (client secret from the intent) goes here.
            <p className="notice">{t("pay.productionTodo")}</p>
          )}
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
