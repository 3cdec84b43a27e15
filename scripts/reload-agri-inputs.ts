/**
 * `npm start` runs this after the migrations: the inputs catalogue takes the current reference data
 * (seeds/reference/agri-inputs: new bans and restrictions, sources, toxicity classes, intervals), so
 * a database seeded before the reference folder was rebuilt gets it too. Idempotent.
 */
import { getDb } from "../db/client";
import { seedInputsCatalogue } from "../traceability/catalogue-db";

const totals = seedInputsCatalogue(getDb(), undefined);
console.log(
  `agri inputs: ${totals.banned} banned, ${totals.restricted} restricted, ${totals.inputs} inputs with ${totals.intervals} uses and withdrawal periods`,
);
