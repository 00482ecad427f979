// manifest.xml checked as XML (the XML validator of office-addin-manifest needs a remote
// service), then converted to the unified JSON manifest and validated offline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { TASKPANE_COMMAND_ID } from "../../src/shared/completion";
import { buildSettings, DEFAULT_HOST, deployManifest } from "../../scripts/defines.mjs";

const addinDir = fileURLToPath(new URL("../..", import.meta.url));
const repoRoot = path.resolve(addinDir, "..");
const dist = path.join(addinDir, "dist");
const manifestPath = path.join(repoRoot, "manifest.xml");
const xml = readFileSync(manifestPath, "utf8");

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  isArray: () => true,
});
const doc = parser.parse(xml) as Node;

/** Every element named `name` anywhere under `node`. */
function all(node: unknown, name: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => all(n, name, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === name) (Array.isArray(value) ? value : [value]).forEach((v) => out.push(v as Node));
      all(value, name, out);
    }
  }
  return out;
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@${name}`];
  return Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
}

const resources = all(doc, "Resources")[0]!;
const defined = new Map<string, Node>();
for (const kind of ["Images", "Urls", "ShortStrings", "LongStrings"]) {
  for (const group of all(resources, kind)) {
    for (const el of [...all(group, "Image"), ...all(group, "Url"), ...all(group, "String")])
      defined.set(attr(el, "id")!, el);
  }
}

describe("manifest.xml", () => {
  it("defines every resid it references", () => {
    const used = [...xml.matchAll(/resid="([^"]+)"/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(8);
    for (const id of used) expect(defined.has(id), id).toBe(true);
  });

  it("keeps resource ids within Outlook's 32 characters", () => {
    for (const id of defined.keys()) expect(id.length).toBeLessThanOrEqual(32);
  });

  // Québec clients run fr-CA; Outlook falls back to the default (English), not to fr-FR, when the
  // exact locale is missing.
  it.each(["fr-CA", "fr-FR"])(
    "has a %s override, in French, for every string, the display name and the description",
    (locale) => {
      const strings = [...defined.values()].filter(
        (el) => all(el, "Override").length > 0 || !String(attr(el, "DefaultValue")).startsWith("https://"),
      );
      const elements = [...strings, all(doc, "DisplayName")[0]!, all(doc, "Description")[0]!];
      for (const el of elements) {
        const overrides = all(el, "Override");
        const mine = overrides.find((o) => attr(o, "Locale") === locale);
        expect(mine, `${attr(el, "id") ?? "DisplayName/Description"} lacks ${locale}`).toBeDefined();
        // Same French text for both locales.
        const french = overrides
          .filter((o) => attr(o, "Locale")!.startsWith("fr-"))
          .map((o) => attr(o, "Value"));
        expect(new Set(french).size).toBe(1);
      }
      const description = all(all(doc, "Description")[0], "Override").find(
        (o) => attr(o, "Locale") === locale,
      )!;
      expect(attr(description, "Value")).toContain("Collège des médecins du Québec");
    },
  );

  // Shared folders / delegate access need Mailbox 1.8, shared mailboxes Mailbox 1.13.
  it("activates in shared and delegated mailboxes (SupportsSharedFolders, first in DesktopFormFactor)", () => {
    const formFactor = all(doc, "DesktopFormFactor")[0]!;
    expect(
      all(formFactor, "SupportsSharedFolders").map((n) =>
        String((n as unknown as { "#text": unknown })["#text"] ?? n),
      ),
    ).toEqual(["true"]);
    expect(xml).toMatch(
      /<DesktopFormFactor>\s*(<!--[\s\S]*?-->\s*)?<SupportsSharedFolders>true<\/SupportsSharedFolders>/,
    );
  });

  it("declares OnMessageSend with SoftBlock and the FunctionName the handler registers", () => {
    const events = all(doc, "LaunchEvent").filter((e) => attr(e, "Type"));
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(attr(event, "Type")).toBe("OnMessageSend");
    expect(attr(event, "SendMode")).toBe("SoftBlock");
    const source = readFileSync(path.join(addinDir, "src/launchevent/launchevent.ts"), "utf8");
    const associated = [...source.matchAll(/Office\.actions\.associate\(\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(associated).toEqual([attr(event, "FunctionName")]);
    expect(source).toContain(`ON_MESSAGE_SEND_FUNCTION = "${attr(event, "FunctionName")}"`);
  });

  it("the task pane button's id is the commandId the Smart Alerts dialog uses", () => {
    const ids = all(doc, "Control").map((c) => attr(c, "id"));
    expect(ids).toContain(TASKPANE_COMMAND_ID);
  });

  it("requires Mailbox 1.12 (Smart Alerts) in VersionOverrides 1.1", () => {
    const sets = all(doc, "Sets")
      .map((s) => attr(s, "DefaultMinVersion"))
      .filter(Boolean);
    expect(sets).toEqual(["1.12"]);
    expect(xml).toContain('xsi:type="VersionOverridesV1_1"');
  });

  it("has a JavaScript runtime override for classic Outlook on Windows", () => {
    const runtime = all(doc, "Runtime")[0]!;
    const override = all(runtime, "Override")[0]!;
    expect(attr(override, "type")).toBe("javascript");
    expect(attr(defined.get(attr(override, "resid")!)!, "DefaultValue")).toBe(
      `${DEFAULT_HOST}/launchevent.js`,
    );
    expect(attr(defined.get(attr(runtime, "resid")!)!, "DefaultValue")).toBe(`${DEFAULT_HOST}/commands.html`);
  });

  it("declares WebApplicationInfo and AppDomains", () => {
    const info = all(doc, "WebApplicationInfo")[0]!;
    expect(all(info, "Id")).toHaveLength(1);
    expect(String(all(info, "Resource")[0])).toMatch(/^api:\/\/localhost:7071\//);
    expect(all(doc, "AppDomain").map(String)).toContain(DEFAULT_HOST);
  });

  it("points every URL at a file the build produces", () => {
    const urls = [...xml.matchAll(/https:\/\/localhost:7071[^"<\s]*/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls) {
      const pathname = new URL(url).pathname;
      if (pathname === "/") continue; // AppDomain: an origin, not a file
      expect(existsSync(path.join(dist, pathname)), pathname).toBe(true);
    }
  });

  it("the build's manifest carries the deployment host and client id", () => {
    const settings = buildSettings({
      CLINICMAIL_HOST: "https://clinicmail.example.org",
      CLINICMAIL_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
    });
    const deployed = deployManifest(xml, settings);
    expect(deployed).not.toContain("localhost");
    expect(deployed).toContain("https://clinicmail.example.org/launchevent.js");
    expect(deployed).toContain("<Id>11111111-2222-3333-4444-555555555555</Id>");
    expect(deployed).toContain("api://clinicmail.example.org/11111111-2222-3333-4444-555555555555");
    expect(() => buildSettings({ CLINICMAIL_HOST: "http://insecure.example.org" })).toThrow(/https/);
  });

  it("the build writes the well-known file listing the launch-event script", () => {
    const allowed = JSON.parse(
      readFileSync(path.join(dist, ".well-known", "microsoft-officeaddins-allowed.json"), "utf8"),
    ) as { allowed: string[] };
    expect(allowed.allowed).toEqual([`${DEFAULT_HOST}/launchevent.js`]);
    expect(readFileSync(path.join(dist, "manifest.xml"), "utf8")).toBe(
      deployManifest(xml, buildSettings({})),
    );
  });
});

describe("unified manifest conversion", () => {
  it("converts with office-addin-manifest-converter and validates offline with office-addin-manifest", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), "clinicmail-manifest-"));
    try {
      const cli = path.join(addinDir, "node_modules", "office-addin-manifest-converter", "cli.js");
      execFileSync(process.execPath, [cli, "convert", path.join(dist, "manifest.xml"), "--output", out], {
        stdio: "pipe",
        timeout: 60000,
      });
      const jsonPath = path.join(out, "manifest.json");
      const json = JSON.parse(readFileSync(jsonPath, "utf8")) as {
        $schema: string;
        extensions: {
          autoRunEvents?: { events: { type: string; actionId: string; options?: { sendMode?: string } }[] }[];
        }[];
      };
      // The validator fetches the schema named by $schema unless @microsoft/app-manifest ships
      // it; check it does, so this test stays offline.
      const version = /teams\/(v[\d.]+)\//.exec(json.$schema)![1]!;
      const local = path.join(
        addinDir,
        "node_modules",
        "@microsoft",
        "app-manifest",
        "build",
        "json-schemas",
        "teams",
        version,
        "MicrosoftTeams.schema.json",
      );
      expect(existsSync(local), `local schema ${version}`).toBe(true);
      const events = json.extensions.flatMap((e) => e.autoRunEvents ?? []).flatMap((r) => r.events);
      expect(events).toEqual([
        expect.objectContaining({
          type: "messageSending",
          options: expect.objectContaining({ sendMode: "softBlock" }),
        }),
      ]);
      expect(existsSync(path.join(out, "fr-fr.json"))).toBe(true);
      const { validateManifest } = await import("office-addin-manifest");
      const validation = await validateManifest(jsonPath);
      expect(validation.report?.errors ?? [], JSON.stringify(validation.report)).toEqual([]);
      expect(validation.isValid).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
