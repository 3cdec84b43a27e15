/**
 * The market domain as the web layer reaches it. Routes import domain functions from here, not
 * from market/ directly: a `.server` module is left out of the browser bundle by the Remix
 * compiler, so the domain's server-only dependencies (SQLite, sharp, pdfkit, Stripe, node:crypto)
 * never reach the browser even when a route component shares a file with its loader. Types may
 * still be imported from market/ directly (`import type` is erased).
 */
// Registers logistics as the market's shipping provider (market/orders/shipping.ts).
import "../logistics/shipping";
export * from "../market/accounts/accounts";
export * from "../market/accounts/password";
export * from "../market/inputs/catalogue";
export * from "../market/inputs/listings";
export * from "../market/inputs/publish";
export * from "../market/inputs/registration";
export * from "../market/inputs/stock";
export * from "../market/inputs/trace";
export * from "../market/invoices/invoices";
export * from "../market/listings/listings";
export * from "../market/listings/queries";
export * from "../market/listings/tools";
export * from "../market/notices/notices";
export * from "../market/orders/buyer-view";
export * from "../market/orders/cart";
export * from "../market/orders/catch-weight";
export * from "../market/orders/checkout";
export * from "../market/orders/dispute-view";
export * from "../market/orders/disputes";
export * from "../market/orders/fulfilment";
export * from "../market/orders/orders";
export * from "../market/orders/pages";
export * from "../market/orders/ratings";
export * from "../market/orders/recall-refunds";
export * from "../market/orders/refunds";
export * from "../market/orders/split";
export * from "../market/orders/state";
export * from "../market/payments/methods";
export * from "../market/payments/payouts";
export * from "../market/payments/reconcile";
export * from "../market/payments/settle";
export * from "../market/payments/stripe";
export * from "../market/payments/test-mode";
export * from "../market/payments/webhooks";
export * from "../market/photos/photos";
export * from "../market/producers/producers";
// Producer credit and verification (issue 12 §2).
export * from "../market/credit/credit";
export * from "../market/credit/score";
export * from "../market/producers/verification";
export * from "../market/search/tokenize";
export * from "../market/producers/members";
