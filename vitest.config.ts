/** Unit and integration tests (`npx vitest run`). Browser journeys live in tests/e2e (Playwright). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    // Same as tsconfig "paths": { "~/*": ["./app/*"] }.
    alias: { "~": path.join(root, "app") },
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "app/**/*.test.ts", "app/**/*.test.tsx"],
    exclude: ["node_modules/**", "build/**", ".cache/**", ".scratch/**", "tests/e2e/**"],
    environment: "node",
    // Separate processes: native better-sqlite3 handles and the process-wide db client stay per file.
    pool: "forks",
    setupFiles: ["tests/helpers/setup.ts"],
    // One real stripe-mock for the run (payments tests); exports STRIPE_API_BASE.
    globalSetup: ["tests/helpers/stripe-mock.ts"],
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
    // scrypt (32 MiB, ~100 ms a hash) makes the accounts tests slower than the default 5 s allows under load.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
