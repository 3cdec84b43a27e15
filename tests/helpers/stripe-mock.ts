/**
 * Vitest globalSetup: one real stripe-mock process for the whole run, on free ports of 127.0.0.1.
 * Tests reach it through STRIPE_API_BASE (process.env, inherited by the test workers, and
 * inject("stripeApiBase")). The binary: STRIPE_MOCK_BIN, else `stripe-mock` on the PATH, else
 * $(go env GOPATH)/bin/stripe-mock — `npm test` (scripts/ensure-tools.sh) installs it.
 */
import { findStripeMock, startStripeMock } from "../../scripts/stripe-mock.js";

declare module "vitest" {
  export interface ProvidedContext {
    stripeApiBase: string;
  }
}

export default async function setup({ provide }: { provide: (key: "stripeApiBase", value: string) => void }) {
  const bin = findStripeMock();
  if (!bin) {
    throw new Error(
      "stripe-mock is not installed, and the payment tests run against it.\n" +
        "  Run `npm test` (scripts/ensure-tools.sh installs it), or: go install github.com/stripe/stripe-mock@v0.203.0\n" +
        "  and put $(go env GOPATH)/bin on your PATH (or set STRIPE_MOCK_BIN).",
    );
  }
  const { base, stop } = await startStripeMock(bin);
  process.env.STRIPE_API_BASE = base;
  provide("stripeApiBase", base);
  return stop;
}
