// Full build of addin/dist:
//   1. pages (taskpane.html, sandbox/index.html) with Vite;
//   2. launchevent.js — the single-file, DOM-free Smart Alerts bundle (IIFE, minified);
//   3. naa.js — the msal-browser NAA token provider (IIFE, minified); page-signin.js — MSAL's
//      redirect sign-in for the app's web pages (IIFE, minified);
//   4. icons, /.well-known/microsoft-officeaddins-allowed.json, and manifest.xml with the
//      deployment host (CLINICMAIL_HOST) substituted for the development placeholder.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { build } from "vite";
import { buildDefines, buildSettings, deployManifest } from "./defines.mjs";
import { ICON_SIZES, iconPng } from "./icons.mjs";

const addinDir = fileURLToPath(new URL("..", import.meta.url));
const dist = path.join(addinDir, "dist");
const settings = buildSettings();

await build({ configFile: path.join(addinDir, "vite.config.ts"), logLevel: "warn" });

async function single(entry, fileName, name) {
  await build({
    configFile: false,
    logLevel: "warn",
    define: buildDefines(),
    build: {
      outDir: dist,
      emptyOutDir: false,
      target: "es2020",
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: path.join(addinDir, entry), formats: ["iife"], name, fileName: () => fileName },
    },
  });
}

await single("src/launchevent/launchevent.ts", "launchevent.js", "ClinicMailLaunchEvent");
await single("src/launchevent/naa.ts", "naa.js", "ClinicMailNaa");
// MSAL for the app's web pages (/clinic/, /review/), loaded by them in Entra mode only.
await single("src/pages/pageSignIn.ts", "page-signin.js", "ClinicMailPageSignIn");

await mkdir(path.join(dist, "assets"), { recursive: true });
for (const size of ICON_SIZES) await writeFile(path.join(dist, "assets", `icon-${size}.png`), iconPng(size));

// Classic Outlook on Windows runs launchevent.js outside a browser page; for its cross-origin
// calls and SSO, the origin must list the script at this well-known URI.
await mkdir(path.join(dist, ".well-known"), { recursive: true });
await writeFile(
  path.join(dist, ".well-known", "microsoft-officeaddins-allowed.json"),
  JSON.stringify({ allowed: [`${settings.host}/launchevent.js`] }, null, 2) + "\n",
);

const manifest = await readFile(path.join(addinDir, "..", "manifest.xml"), "utf8");
await writeFile(path.join(dist, "manifest.xml"), deployManifest(manifest, settings));

console.log(`ClinicMail add-in built for ${settings.host} (failure policy: ${settings.failurePolicy}).`);
