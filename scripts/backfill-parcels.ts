/** `npm start` runs this after the migrations: open orders from before logistics get their parcels (logistics/backfill.ts). */
import { getDb } from "../db/client";
import { backfillParcels } from "../logistics/backfill";

const r = backfillParcels(getDb());
if (r.orders > 0) console.log(`backfill: ${r.parcels} parcels for ${r.orders} open orders made before logistics`);
