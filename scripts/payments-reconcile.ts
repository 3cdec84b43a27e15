/**
 * `npm run payments:reconcile`: asks Stripe about every unsettled order and repairs what missed
 * webhooks left behind (market/payments/reconcile.ts lists the steps), then sweeps parcel holding
 * periods (logistics/holding.ts). Idempotent; run it from
 * cron every few minutes. Prints a JSON report; exit code 1 when something could not be repaired.
 */
import "../logistics/shipping"; // logistics as the market's shipping provider (checkout's parcels)
import { getDb, closeDb } from "../db/client";
import { reconcilePayments } from "../market/payments/reconcile";
import { getStripe } from "../market/payments/stripe";
import { sweepHolding } from "../logistics/holding";

const report = await reconcilePayments(getDb(), getStripe());
// Parcels at pickup points: reminders a day before the holding period ends, return flags after it.
const holding = sweepHolding(getDb());
console.log(JSON.stringify({ ...report, holding }, null, 2));
closeDb();
process.exitCode = report.errors.length || report.transferFailures.length ? 1 : 0;
