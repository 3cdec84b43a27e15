/**
 * The server's secrets, without a single one written in the source. Plain ESM (node builtins
 * only), shared by the entry points (scripts/start.js, server.js) and the app's env loader
 * (core/env.ts), so every process of one installation agrees on the same values.
 *
 * Each secret comes from its environment variable; one that is unset is read from the secrets
 * file in the data folder (next to DATABASE_PATH, or CUNPIN_SECRETS_FILE), which is created on
 * first use with random values and mode 0600 and reused on every later start. A deployment that
 * talks to the real Stripe API in production must set STRIPE_WEBHOOK_SECRET (Stripe issues it, a
 * random one could never verify Stripe's events), SESSION_SECRET and TRACE_KEY_SECRET itself:
 * requireSecrets() refuses to start without them, so a lost or per-instance file cannot silently
 * log everyone out or make the trace signing keys unreadable.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** What the secrets file holds, and how a fresh value looks. */
const GENERATORS = {
  SESSION_SECRET: () => crypto.randomBytes(32).toString("base64url"),
  STRIPE_WEBHOOK_SECRET: () => `whsec_${crypto.randomBytes(32).toString("base64url")}`,
  TRACE_KEY_SECRET: () => crypto.randomBytes(32).toString("base64url"),
  PICKUP_CODE_SECRET: () => crypto.randomBytes(32).toString("base64url"),
};
export const SECRET_NAMES = Object.keys(GENERATORS);
/** Must come from the environment when production talks to the real Stripe API. */
export const DEPLOYMENT_SECRETS = ["STRIPE_WEBHOOK_SECRET", "SESSION_SECRET", "TRACE_KEY_SECRET"];

/** @param {Record<string, string | undefined>} env */
export function secretsFilePath(env = process.env) {
  if (env.CUNPIN_SECRETS_FILE) return path.resolve(env.CUNPIN_SECRETS_FILE);
  return path.join(path.dirname(path.resolve(env.DATABASE_PATH || "data/cunpin.db")), "secrets.json");
}

/**
 * True when payments go to api.stripe.com with a key someone configured: STRIPE_API_BASE unset
 * (or a stripe.com host) and STRIPE_SECRET_KEY set. Without a key (the stripe-mock default) there
 * is no Stripe account to talk to, so the demo may run without stripe-mock.
 * @param {Record<string, string | undefined>} env
 */
export function talksToRealStripe(env = process.env) {
  if (!env.STRIPE_SECRET_KEY) return false;
  if (!env.STRIPE_API_BASE) return true;
  try {
    const host = new URL(env.STRIPE_API_BASE).hostname;
    return host === "stripe.com" || host.endsWith(".stripe.com") || !env.STRIPE_SECRET_KEY.startsWith("sk_test_");
  } catch {
    return true;
  }
}

/** @param {string} file @returns {Record<string, string>} */
function readFile(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return {};
    throw error;
  }
  const parsed = JSON.parse(text);
  if (!parsed || typeof parsed !== "object") throw new Error(`${file}: not a JSON object`);
  // Left readable by others (copied, restored from a backup): close it again.
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return parsed;
}

/**
 * Writes `values` as the secrets file. With `exclusive`, only when no file exists yet (link()
 * fails on an existing name), so that processes starting together cannot overwrite each other's
 * values; the loser reads the winner's file.
 * @param {string} file @param {Record<string, string>} values @param {boolean} exclusive
 */
function writeFile(file, values, exclusive) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  try {
    if (exclusive) fs.linkSync(tmp, file);
    else fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Throws when production talks to the real Stripe API and a deployment secret is unset. The
 * entry points call it before anything else, so such a server never starts.
 * @param {Record<string, string | undefined>} env
 */
export function requireSecrets(env = process.env) {
  if (env.NODE_ENV !== "production" || !talksToRealStripe(env)) return;
  const missing = DEPLOYMENT_SECRETS.filter((name) => !env[name]);
  if (missing.length) {
    throw new Error(
      `${missing.join(", ")} must be set: production talks to the real Stripe API (STRIPE_SECRET_KEY set, STRIPE_API_BASE not a stripe-mock). ` +
        `STRIPE_WEBHOOK_SECRET is the endpoint's signing secret from the Stripe dashboard; the others are long random strings, e.g. \`openssl rand -base64 32\`.`,
    );
  }
}

/**
 * Every secret: the environment's value, else the secrets file's (created with random values on
 * first use). PICKUP_CODE_SECRET unset while SESSION_SECRET is set in the environment is derived
 * from it (HMAC, so never the same bytes), as before the secrets file existed: pickup codes that
 * were handed out stay valid, and several instances sharing SESSION_SECRET agree.
 * @param {Record<string, string | undefined>} env
 * @returns {{ SESSION_SECRET: string, STRIPE_WEBHOOK_SECRET: string, TRACE_KEY_SECRET: string, PICKUP_CODE_SECRET: string }}
 */
export function resolveSecrets(env = process.env) {
  requireSecrets(env);
  /** @type {Record<string, string>} */
  const values = {};
  for (const name of SECRET_NAMES) if (env[name]) values[name] = /** @type {string} */ (env[name]);
  if (!values.PICKUP_CODE_SECRET && env.SESSION_SECRET) {
    values.PICKUP_CODE_SECRET = crypto.createHmac("sha256", env.SESSION_SECRET).update("cunpin/pickup-code/v1").digest("hex");
  }
  const missing = SECRET_NAMES.filter((name) => !values[name]);
  if (missing.length) {
    const file = secretsFilePath(env);
    let stored = readFile(file);
    if (Object.keys(stored).length === 0) {
      const fresh = Object.fromEntries(SECRET_NAMES.map((name) => [name, GENERATORS[name]()]));
      try {
        writeFile(file, fresh, true);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
      }
      stored = readFile(file);
    } else if (SECRET_NAMES.some((name) => typeof stored[name] !== "string" || !stored[name])) {
      // A file from an older version lacks a newer secret: add it, keep the others.
      for (const name of SECRET_NAMES) if (typeof stored[name] !== "string" || !stored[name]) stored[name] = GENERATORS[name]();
      writeFile(file, stored, false);
    }
    for (const name of missing) values[name] = stored[name];
  }
  return /** @type {any} */ (values);
}
