/**
 * `npm run bench`: runs every benchmark script in bench/ (each *.ts file here but this one),
 * one after another in its own process, then prints the summary each wrote to
 * .cache/bench/<name>.json as one table. Benchmarks compare against a baseline measured in
 * the same run, so read the ratios, not the absolute numbers.
 *
 *   npm run bench                 all benchmarks
 *   npm run bench -- listing-page only the named ones
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "./lib/table";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..");
process.chdir(root);

const all = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!all.includes(name)) {
    console.error(`bench: no benchmark named ${name} (have: ${all.join(", ")})`);
    process.exit(2);
  }
}
const names = wanted.length ? wanted : all;

type Summary = { header: string[]; rows: string[][] };
const summaries: { name: string; summary: Summary | null; ok: boolean; seconds: number }[] = [];

for (const name of names) {
  const jsonFile = path.join(root, ".cache/bench", `${name}.json`);
  fs.rmSync(jsonFile, { force: true });
  console.log(`\n━━ bench/${name}.ts ━━`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(benchDir, `${name}.ts`)], { stdio: "inherit" });
  let summary: Summary | null = null;
  try {
    summary = (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as { summary?: Summary }).summary ?? null;
  } catch {
    summary = null;
  }
  summaries.push({ name, summary, ok: r.status === 0 && summary !== null, seconds: (Date.now() - started) / 1000 });
}

console.log("\n━━ summary ━━\n");
// Benchmarks with the same columns share one table.
const tables = new Map<string, Summary>();
for (const { summary } of summaries) {
  if (!summary) continue;
  const key = JSON.stringify(summary.header);
  const table = tables.get(key) ?? { header: summary.header, rows: [] };
  table.rows.push(...summary.rows);
  tables.set(key, table);
}
for (const table of tables.values()) console.log(formatTable(table.header, table.rows) + "\n");
for (const s of summaries) {
  console.log(`${s.ok ? "ok    " : "FAILED"} bench/${s.name}.ts (${s.seconds.toFixed(0)} s)${s.ok ? `, .cache/bench/${s.name}.json` : ""}`);
}
process.exit(summaries.every((s) => s.ok) ? 0 : 1);
