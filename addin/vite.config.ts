// Builds the pages (task pane, sandbox). The launch-event bundle and naa.js are separate
// single-file IIFE builds (scripts/build.mjs), because Outlook loads them as classic scripts.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { buildDefines } from "./scripts/defines.mjs";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("./src"),
  publicDir: here("./public"),
  base: "/",
  define: buildDefines(),
  resolve: {
    alias: {
      // office-addin-mock only needs the OfficeApp enum from office-addin-manifest; the rest of
      // that package is Node-only (fs, network), so the sandbox bundles just the enum module.
      "office-addin-manifest": here("./node_modules/office-addin-manifest/lib/officeApp.js"),
    },
  },
  build: {
    outDir: here("./dist"),
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: {
        taskpane: here("./src/taskpane.html"),
        sandbox: here("./src/sandbox/index.html"),
      },
    },
  },
});
