/** Environment, validated once at startup. Plain module: no Remix imports. */
import { z } from "zod";
import { resolveSecrets } from "./secrets.js";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_PATH: z.string().min(1).default("data/cunpin.db"),
  UPLOAD_DIR: z.string().min(1).default("data/uploads"),
  // The four secrets (SESSION_SECRET, TRACE_KEY_SECRET, PICKUP_CODE_SECRET, STRIPE_WEBHOOK_SECRET): unset
  // ones come from the secrets file in the data folder, generated on first start (core/secrets.js).
  // Production with the real Stripe API must set all but PICKUP_CODE_SECRET.
  /** Signs the session and guest-cart cookies. */
  SESSION_SECRET: z.string().min(16).optional(),
  /** Seed data set size when `npm start` seeds an empty database: full demo or small (CI). */
  SEED_MODE: z.enum(["demo", "small"]).default("demo"),
  /** GS1 company prefix the platform assigns GTINs from when a producer has none of its own. */
  PLATFORM_GS1_PREFIX: z
    .string()
    .regex(/^\d{7,11}$/)
    .default("6975000"),
  /** Encrypts the Ed25519 private keys that sign trace events; never change it once keys exist. */
  TRACE_KEY_SECRET: z.string().min(16).optional(),
  /** HMAC key of the 6-digit pickup codes (logistics/pickup-code.ts); codes are derived, never stored. Unset: derived from SESSION_SECRET when that is set, else the secrets file. */
  PICKUP_CODE_SECRET: z.string().min(16).optional(),
  /** Public origin printed in QR codes (GS1 Digital Link), e.g. https://cunpin.example; default: the request's origin. */
  PUBLIC_ORIGIN: z.string().url().optional(),
  /** After this time of day (Asia/Shanghai) the server builds the day's joint-delivery manifests once. */
  MANIFEST_CUTOFF: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
    .default("14:00"),
  /** Map tiles for the checkout's points map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; unset: markers on a plain background (offline). */
  TILE_URL: z.string().min(1).optional(),
  /** Attribution the tile provider requires (HTML), shown with TILE_URL. */
  TILE_ATTRIBUTION: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Stripe secret key; the default is what stripe-mock accepts (tests, demo). */
  STRIPE_SECRET_KEY: z.string().min(1).default("sk_test_123"),
  /** Where the Stripe API lives, e.g. http://127.0.0.1:12111 for stripe-mock; unset = api.stripe.com. */
  STRIPE_API_BASE: z.string().url().optional(),
  /** Verifies webhook signatures (whsec_…); the test-mode pay button signs with it too. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Platform commission in basis points of each sub-order (500 = 5 %). */
  PLATFORM_COMMISSION_BP: z.coerce.number().int().min(0).max(10_000).default(500),
  /** How long checkout holds stock for an unpaid order. */
  RESERVATION_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(30),
  /** Set to "true" in tests to relax login throttling windows; never in production. */
  CI: z.string().optional(),
});

type Secrets = ReturnType<typeof resolveSecrets>;
export type Env = Omit<z.infer<typeof EnvSchema>, keyof Secrets> & Secrets;

let cached: Env | null = null;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  // Throws when production talks to the real Stripe API without its secrets set.
  cached = { ...parsed.data, ...resolveSecrets(process.env) };
  return cached;
}
