// Flat config: typescript-eslint strict rules, the Office add-ins plugin's recommended rules
// (load/sync misuse, Office.js API patterns), and Prettier left to format.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import officeAddins from "eslint-plugin-office-addins";

// The plugin's "recommended" preset also pulls in its own copy of typescript-eslint and the
// prettier plugin; we take only its office-addins/* rules and run Prettier separately.
const officeAddinRules = Object.fromEntries(
  officeAddins.configs.recommended
    .flatMap((c) => Object.entries(c.rules ?? {}))
    .filter(([name]) => name.startsWith("office-addins/")),
);

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "src/shared/contract.generated.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    plugins: { "office-addins": officeAddins },
    rules: {
      ...officeAddinRules,
      "@typescript-eslint/no-non-null-assertion": "off",
      // Office.js types its callbacks as AsyncResult<void>; our promise wrappers mirror that.
      "@typescript-eslint/no-invalid-void-type": "off",
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    files: ["scripts/**/*.mjs", "*.js"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", Buffer: "readonly" },
    },
    rules: { "no-console": "off" },
  },
);
