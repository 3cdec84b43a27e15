// `npm start`: build if needed, migrate, seed an empty database, then serve on PORT (default 3000).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
process.env.NODE_ENV ??= "production";
process.env.CUNPIN_ALLOW_DEV_SECRET ??= "1";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const buildFile = path.resolve(process.env.CUNPIN_BUILD_DIR ? `${process.env.CUNPIN_BUILD_DIR}/index.js` : "build/index.js");
const needsBuild =
  !fs.existsSync(buildFile) ||
  process.env.FORCE_BUILD === "1" ||
  Math.max(newestMtime("app"), newestMtime("db"), fs.statSync("remix.config.js").mtimeMs) > fs.statSync(buildFile).mtimeMs;
if (needsBuild) run("npx", ["remix", "build"]);

run("npx", ["tsx", "db/migrate.ts"]);
run("npx", ["tsx", "seeds/cli.ts", "--if-empty"]);
await import(path.join(root, "server.js"));
