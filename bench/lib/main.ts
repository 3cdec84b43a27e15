/** A benchmark run on its own (`npx tsx bench/<name>.ts`) writes its result to .cache/bench/<name>.json. */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `run` (sync or async) when the module at `metaUrl` is the entry point; `failed` marks a wrong (not slow) result. */
export function runIfMain<R>(metaUrl: string, name: string, run: () => R | Promise<R>, failed?: (result: R) => boolean): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  const write = (result: R) => {
    const outDir = path.join(root, ".cache/bench");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
    console.log(`bench: wrote .cache/bench/${name}.json`);
    if (failed?.(result)) process.exitCode = 1;
  };
  const fail = (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  };
  try {
    const result = run();
    if (result instanceof Promise) result.then(write, fail);
    else write(result);
  } catch (error) {
    fail(error);
  }
}
