// ESLint (flat config): typescript-eslint's recommended rules, React's rules of hooks and
// jsx-a11y for the web layer. `npm run lint` runs it with Prettier's check; `npm test` runs lint first.
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["build/**", "public/build/**", ".cache/**", "data/**", "node_modules/**", "test-results/**", "playwright-report/**", "**/*.d.ts"],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused bindings are mistakes, except a deliberately ignored `_name`.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // `import type` keeps server code out of the browser bundle (app/market.server.ts).
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports" }],
      "no-duplicate-imports": "off",
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
    },
  },
  {
    files: ["tests/**", "bench/**", "scripts/**", "seeds/**"],
    rules: {
      // Test and bench fixtures build loosely typed rows and payloads on purpose.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
