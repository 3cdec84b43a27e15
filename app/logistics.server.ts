/**
 * Logistics functions that pull in server-only code (the logger, the database), as routes reach
 * them: a `.server` module is left out of the browser bundle, whereas a direct import of
 * logistics/labels put pino in the label pages' browser code and they threw
 * "process is not defined" on hydration. See market.server.ts.
 */
export * from "../logistics/labels";
export * from "../logistics/manifests";
export * from "../logistics/network-admin";
export * from "../logistics/points-admin";
export * from "../logistics/recall-parcels";
export * from "../logistics/checkout-points";
export * from "../logistics/parcels";
export { markReturned, sweepHolding } from "../logistics/holding";
export { parsePickupQrPayload } from "../logistics/pickup-code";
export * from "../logistics/counter";
export * from "../logistics/progress";
