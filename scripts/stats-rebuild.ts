/**
 * `npm run stats:rebuild`: compares the statistics roll-ups with a full recount from the raw tables,
 * says whether they agreed, then rebuilds them from scratch (oversight/rebuild.ts).
 * `npm run stats:rebuild -- --check` only compares (exit code 1 when they differ).
 */
import { getDb } from "../db/client";
import { compareWithRecount, rebuildStatistics } from "../oversight/rebuild";

const db = getDb();
const checkOnly = process.argv.includes("--check");
let started = Date.now();
const diffs = compareWithRecount(db);
const compareMs = Date.now() - started;
if (diffs.length === 0) console.log(`stats: the maintained roll-ups agree with a full recount (${compareMs} ms)`);
else {
  console.log(`stats: the maintained roll-ups DIFFER from a full recount (${compareMs} ms):`);
  for (const d of diffs)
    console.log(
      `  ${d.table}: ${d.maintainedOnly} rows only maintained, ${d.recountOnly} rows only in the recount; e.g. ${JSON.stringify(d.sample.slice(0, 2))}`,
    );
}
if (checkOnly) process.exit(diffs.length === 0 ? 0 : 1);
started = Date.now();
const written = rebuildStatistics(db);
console.log(
  `stats: rebuilt in ${Date.now() - started} ms: ${Object.entries(written)
    .map(([t, n]) => `${t} ${n} rows`)
    .join(", ")}`,
);
console.log(`stats: after the rebuild they ${compareWithRecount(db).length === 0 ? "agree" : "still differ"}`);
