// Whether a Remix build is older than the sources it is made from. Shared by npm start,
// the e2e server and the benchmarks, so they agree on what "stale" means.
import fs from "node:fs";
import path from "node:path";

/** Everything the server bundle is compiled from. */
export const BUILD_SOURCES = ["app", "db", "traceability", "remix.config.js", "package-lock.json", "tsconfig.json"];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when `<buildDir>/index.js` is missing, older than a source under `root`, or FORCE_BUILD=1. */
export function buildIsStale(root, buildDir) {
  const buildFile = path.join(buildDir, "index.js");
  if (process.env.FORCE_BUILD === "1" || !fs.existsSync(buildFile)) return true;
  const newest = Math.max(...BUILD_SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > fs.statSync(buildFile).mtimeMs;
}
