/**
 * Issue 11 §1: no secret printed in the source is trusted. Secrets not set in the environment are
 * generated once into the data folder's secrets.json (mode 0600) and reused; production talking to
 * the real Stripe API refuses to start without its secrets; a webhook signed with the old public
 * development constant is refused by the real route, while the test-mode pay button (which signs
 * with the generated secret) still pays. Real files, real processes, real stripe-mock, real SQLite.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireSecrets, resolveSecrets, secretsFilePath, SECRET_NAMES } from "../../core/secrets.js";
import { makeTempDir } from "../helpers/db";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// What `npm start` trusted before issue 11; anyone could read it in the repository's history.
const OLD_PUBLIC_WEBHOOK_SECRET = ["whsec", "cunpin", "development", "only"].join("_");

// This file's process runs on the secrets file, not on the random env secrets tests/helpers/setup.ts sets.
for (const name of SECRET_NAMES) delete process.env[name];

let tmp: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  tmp = makeTempDir("cunpin-secrets-");
});
afterAll(() => tmp.remove());

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** Runs a node process to its end: exit code and everything it printed. */
function runNode(args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out: ${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

/** A clean environment for a child process: no secrets, the given data folder. */
function childEnv(dir: string, extra: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_PATH: path.join(dir, "cunpin.db"), LOG_LEVEL: "info", ...extra };
}

describe("the secrets file", () => {
  it("is created on first use with random values, mode 0600, and reused on later starts", () => {
    const dir = path.join(tmp.dir, "first");
    const env = { DATABASE_PATH: path.join(dir, "cunpin.db") };
    const file = secretsFilePath(env);
    expect(file).toBe(path.join(dir, "secrets.json"));
    expect(fs.existsSync(file)).toBe(false);

    const first = resolveSecrets(env);
    expect(modeOf(file)).toBe(0o600);
    expect(Object.keys(first).sort()).toEqual([...SECRET_NAMES].sort());
    for (const value of Object.values(first)) expect(value.length).toBeGreaterThanOrEqual(32);
    expect(first.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(new Set(Object.values(first)).size).toBe(4);
    expect(first.STRIPE_WEBHOOK_SECRET).not.toBe(OLD_PUBLIC_WEBHOOK_SECRET);

    // A later start reads the same values; another installation gets different ones.
    expect(resolveSecrets(env)).toEqual(first);
    const other = resolveSecrets({ DATABASE_PATH: path.join(tmp.dir, "other", "cunpin.db") });
    for (const name of SECRET_NAMES) expect(other[name as keyof typeof other]).not.toBe(first[name as keyof typeof first]);
  });

  it("gives way to environment variables, and closes a file left readable by others", () => {
    const dir = path.join(tmp.dir, "override");
    const env = { DATABASE_PATH: path.join(dir, "cunpin.db"), SESSION_SECRET: "from-the-environment-0123456789" };
    const resolved = resolveSecrets(env);
    expect(resolved.SESSION_SECRET).toBe("from-the-environment-0123456789");
    // Unset while SESSION_SECRET is set: derived from it (codes handed out before the file existed stay valid).
    expect(resolved.PICKUP_CODE_SECRET).not.toBe(resolved.SESSION_SECRET);
    const stored = JSON.parse(fs.readFileSync(secretsFilePath(env), "utf8"));
    expect(resolved.TRACE_KEY_SECRET).toBe(stored.TRACE_KEY_SECRET);
    expect(stored.SESSION_SECRET).not.toBe(resolved.SESSION_SECRET);

    fs.chmodSync(secretsFilePath(env), 0o644);
    expect(resolveSecrets(env)).toEqual(resolved);
    expect(modeOf(secretsFilePath(env))).toBe(0o600);
  });

  it("is created once when several processes start together (migrate, seed, server)", async () => {
    const dir = path.join(tmp.dir, "race");
    const script = `import("./core/secrets.js").then((m) => process.stdout.write(JSON.stringify(m.resolveSecrets(process.env))))`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => runNode(["--input-type=module", "-e", script], childEnv(dir, {}))));
    for (const r of runs) expect(r.code).toBe(0);
    const values = runs.map((r) => r.output);
    expect(new Set(values).size).toBe(1);
    expect(JSON.parse(values[0])).toEqual(JSON.parse(fs.readFileSync(path.join(dir, "secrets.json"), "utf8")));
    expect(fs.readdirSync(dir)).toEqual(["secrets.json"]);
  });
});

describe("production with the real Stripe API", () => {
  const live = { NODE_ENV: "production" as const, STRIPE_SECRET_KEY: "sk_live_configured" };

  it("needs STRIPE_WEBHOOK_SECRET, SESSION_SECRET and TRACE_KEY_SECRET from the environment", () => {
    const dir = path.join(tmp.dir, "live");
    expect(() => resolveSecrets({ ...live, DATABASE_PATH: path.join(dir, "cunpin.db") })).toThrow(
      /STRIPE_WEBHOOK_SECRET, SESSION_SECRET, TRACE_KEY_SECRET must be set/,
    );
    expect(() => requireSecrets({ ...live, SESSION_SECRET: "s".repeat(32), TRACE_KEY_SECRET: "t".repeat(32) })).toThrow(/^STRIPE_WEBHOOK_SECRET must be set/);
    expect(fs.existsSync(dir)).toBe(false);
    // All three set: it starts (the pickup-code key is derived from the session secret, no file).
    const set = {
      ...live,
      DATABASE_PATH: path.join(dir, "cunpin.db"),
      SESSION_SECRET: "s".repeat(32),
      TRACE_KEY_SECRET: "t".repeat(32),
      STRIPE_WEBHOOK_SECRET: "whsec_from_dashboard",
    };
    expect(resolveSecrets(set)).toMatchObject({ STRIPE_WEBHOOK_SECRET: "whsec_from_dashboard" });
    expect(fs.existsSync(dir)).toBe(false);
    // stripe-mock (the demo), or no Stripe key at all: generated secrets are fine.
    expect(() => requireSecrets({ NODE_ENV: "production", STRIPE_API_BASE: "http://127.0.0.1:12111", STRIPE_SECRET_KEY: "sk_test_123" })).not.toThrow();
    expect(() => requireSecrets({ NODE_ENV: "production" })).not.toThrow();
    expect(() => requireSecrets({ NODE_ENV: "production", STRIPE_API_BASE: "https://api.stripe.com", STRIPE_SECRET_KEY: "sk_test_123" })).toThrow();
  });

  it("server.js and npm start refuse to start without them", async () => {
    const dir = path.join(tmp.dir, "refuse");
    // STRIPE_API_BASE set, so that npm start does not start a stripe-mock of its own.
    const env = childEnv(dir, { ...live, STRIPE_API_BASE: "https://api.stripe.com", PORT: "0", HOST: "127.0.0.1" });
    const server = await runNode(["server.js"], env);
    expect(server.code).toBe(1);
    expect(server.output).toMatch(/STRIPE_WEBHOOK_SECRET, SESSION_SECRET, TRACE_KEY_SECRET must be set/);
    const start = await runNode(["scripts/start.js"], env);
    expect(start.code).toBe(1);
    expect(start.output).toMatch(/Cunpin cannot start: STRIPE_WEBHOOK_SECRET, SESSION_SECRET, TRACE_KEY_SECRET must be set/);
    expect(fs.existsSync(path.join(dir, "secrets.json"))).toBe(false);
  });
});

describe("POST /webhooks/stripe without STRIPE_WEBHOOK_SECRET set", () => {
  it("refuses an event signed with the old public constant; the test-mode pay button still pays", async () => {
    // Imported only now: the env loader reads this file's environment (no secrets set) on first use.
    const { createTestDatabase } = await import("../../seeds/factories");
    const { closeDb } = await import("../../db/client");
    const { checkout } = await import("../../market/orders/checkout");
    const { addToCart } = await import("../../market/orders/cart");
    const { action } = await import("~/routes/webhooks.stripe");
    const { createPaymentIntent, getStripe, webhookSecret } = await import("../../market/payments/stripe");
    const { simulateTestPayment } = await import("../../market/payments/test-mode");
    const { createBuyer, createMarket, orderStatus } = await import("../helpers/orders");
    const { signedEvent, testStripe } = await import("../helpers/stripe");

    const { db, cleanup } = createTestDatabase(process.env.DATABASE_PATH!);
    try {
      const stripe = testStripe();
      const m = await createMarket(db);
      const buyer = await createBuyer(db);
      addToCart(db, buyer.id, m.apples, 1);
      const order = checkout(db, buyer, { contactPhone: buyer.phone, deliveryPointId: m.pointId });
      const pi = await createPaymentIntent(db, getStripe(), order.orderId);

      // The secret in use is the generated one in the data folder's secrets file.
      const stored = JSON.parse(fs.readFileSync(path.join(path.dirname(process.env.DATABASE_PATH!), "secrets.json"), "utf8"));
      expect(webhookSecret()).toBe(stored.STRIPE_WEBHOOK_SECRET);

      const forged = {
        id: `evt_forged_${order.orderId}`,
        object: "event",
        api_version: "2026-10-28.endive",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: "payment_intent.succeeded",
        data: {
          object: {
            ...(await stripe.paymentIntents.retrieve(pi.id)),
            id: pi.id,
            status: "succeeded",
            amount: order.totalFen,
            amount_received: order.totalFen,
            currency: "cny",
            metadata: { order_id: String(order.orderId) },
          },
        },
      };
      const { body, signature } = signedEvent(stripe, forged, OLD_PUBLIC_WEBHOOK_SECRET);
      const request = new Request("http://localhost/webhooks/stripe", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "stripe-signature": signature },
      });
      const res = (await action({ request, params: {}, context: {} })) as Response;
      expect(res.status).toBe(400);
      expect(orderStatus(db, order.orderId)).toBe("pending_payment");
      expect(db.$client.prepare(`select count(*) from sub_orders where order_id = ? and stripe_transfer_id is not null`).pluck().get(order.orderId)).toBe(0);

      // What the pay page's test-mode button runs: signed with the generated secret, verified by the same code.
      const paid = await simulateTestPayment(db, getStripe(), order.orderId, webhookSecret());
      expect(paid.status).toBe(200);
      expect(orderStatus(db, order.orderId)).toBe("paid");
    } finally {
      closeDb();
      cleanup();
    }
  });
});
