// Browser tests: playwright-core drives Debian's Chromium through the sandbox (no browser
// download). Run with `npm run test:browser`; CLINICMAIL_BASE_URL selects the backend.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 90000,
    hookTimeout: 60000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
