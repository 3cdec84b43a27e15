/** A benchmark run on its own (`npx tsx bench/<name>.ts`) writes its result to .cache/bench/<name>.json. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `run` when the module at `metaUrl` is the entry point; `failed` marks a wrong (not slow) result. */
export function runIfMain<R>(metaUrl: string, name: string, run: () => R, failed?: (result: R) => boolean): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  try {
    const result = run();
    const outDir = path.join(root, ".cache/bench");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
    console.log(`bench: wrote .cache/bench/${name}.json`);
    if (failed?.(result)) process.exitCode = 1;
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  }
}
