// Incoming patient mail, the embedded default's drop folder, against the running app (issue 18;
// docs/incoming-mail.md): .eml files written into the app's mail-inbox/ — a French patient, an English
// patient with chest pain, a French patient with suicidal thoughts, one received two weeks ago (overdue)
// and an out-of-office auto-reply — then the acknowledgements in the mail pickup (delay in business days,
// the due date computed here from Québec's calendar, what to do if it passes, the urgent guidance first,
// the patient's language; none for the auto-reply) and the clinic page's incoming section for a
// ClinicAdmin (awaiting answer, overdue first, urgent marked), with axe on each of its states.
// Skips ONLY when CLINICMAIL_BASE_URL is unset AND nothing answers /api/health.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { audit, writeAuditReport } from "./a11y";
import { appAnswers, appBase as base, devToken, launch, openClinicAs } from "./browser";

const explicitBase = process.env.CLINICMAIL_BASE_URL;
const pickup = process.env.CLINICMAIL_MAIL_PICKUP;
const inbox = process.env.CLINICMAIL_MAIL_INBOX;
/** The watched mailbox start_app_for_tests configures (IncomingMail:Mailboxes:0). */
const mailbox = process.env.CLINICMAIL_INCOMING_MAILBOX ?? "clinique@cliniquedemo.med";
const phone = process.env.CLINICMAIL_CLINIC_PHONE ?? "514 555-0100";
const delayDays = 2;
const zone = "America/Toronto"; // ClinicMail:TimeZone's default
const available = await appAnswers();
const skip = !available && !explicitBase;
if (skip) console.warn(`Incoming mail SKIPPED: nothing answers ${base}/api/health.`);

const stamp = Date.now().toString(36);
const patients: Record<string, string> = {};
const dropped: Record<string, string> = {}; // key → Message-ID
let browser: { context: BrowserContext; close(): Promise<void> };

async function api(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${url}`, {
    method,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await devToken("ClinicAdmin")}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const address = (key: string): string => `in${stamp}.${key}@videotron.ca`;

async function patient(key: string, language: "fr" | "en"): Promise<void> {
  const r = await api("POST", "/api/v1/registry/patients", {
    clinicPatientId: `IN-${key}-${stamp}`,
    familyName: "Bouchard",
    givenName: "Test",
    language,
    addresses: [{ address: address(key), kind: "personal" }],
    consent: {
      status: "granted",
      method: "signed_form",
      recordedOn: "2025-03-01",
      uses: ["appointments"],
      categories: [],
    },
  });
  expect(r.status, await r.clone().text()).toBe(201);
  patients[key] = ((await r.json()) as { id: string }).id;
}

/** Writes an .eml into the app's drop folder the way a mail client does: a temporary name, then a rename. */
function drop(
  key: string,
  subject: string,
  body: string,
  date: Date,
  headers: Record<string, string> = {},
): void {
  const id = `<${key}.${stamp}@videotron.ca>`;
  dropped[key] = id;
  const lines = [
    `From: Patient <${address(key)}>`,
    `To: <${mailbox}>`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${id}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    body,
    "",
  ];
  const file = path.join(inbox!, `${key}-${stamp}`);
  writeFileSync(file + ".tmp", lines.join("\r\n"), "utf8");
  renameSync(file + ".tmp", file + ".eml");
}

/** A pickup file's headers and text body (8bit, quoted-printable or base64; one text part). */
function readMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  let body = raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const encoding = (headers["content-transfer-encoding"] ?? "").toLowerCase();
  if (encoding === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable")
    body = Buffer.from(
      body
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    ).toString("utf8");
  return { headers, text: body.replace(/\r?\n/g, " ").replace(/\s+/g, " ") };
}

/** The acknowledgement answering this dropped message (by In-Reply-To), if one is in the pickup. */
function ackOf(key: string): { headers: Record<string, string>; text: string } | undefined {
  if (!pickup || !existsSync(pickup)) return undefined;
  for (const name of readdirSync(pickup).filter((f) => f.endsWith(".eml"))) {
    const raw = readFileSync(path.join(pickup, name), "utf8");
    if (!raw.includes(dropped[key]!)) continue;
    const mail = readMail(raw);
    if (mail.headers["in-reply-to"] === dropped[key]) return mail;
  }
  return undefined;
}

async function waitForAck(key: string): Promise<{ headers: Record<string, string>; text: string }> {
  await expect.poll(() => ackOf(key) !== undefined, { timeout: 30000, interval: 200 }).toBe(true);
  return ackOf(key)!;
}

// ---- The expected due date, computed independently of the app: Québec's statutory holidays as
// docs/incoming-mail.md lists them (IncomingMail:Easter's default, Good Friday), weekends closed, mail
// after 17:00 counted from the next business day. Days are UTC day numbers of the clinic's local dates.
const DAY = 86_400_000;
const dayOf = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY;
const weekday = (day: number): number => new Date(day * DAY).getUTCDay();
function easterSunday(y: number): number {
  const a = y % 19,
    b = Math.floor(y / 100),
    c = y % 100,
    d = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  return dayOf(y, Math.floor((h + l - 7 * m + 114) / 31), ((h + l - 7 * m + 114) % 31) + 1);
}
const nthMonday = (y: number, month: number, n: number): number => {
  const first = dayOf(y, month, 1);
  return first + ((8 - weekday(first)) % 7) + 7 * (n - 1);
};
const notSunday = (day: number): number => (weekday(day) === 0 ? day + 1 : day);
function holidays(y: number): number[] {
  const may25 = dayOf(y, 5, 25);
  return [
    dayOf(y, 1, 1),
    easterSunday(y) - 2,
    may25 - ((weekday(may25) + 6) % 7 || 7), // the Monday before May 25
    notSunday(dayOf(y, 6, 24)),
    notSunday(dayOf(y, 7, 1)),
    nthMonday(y, 9, 1),
    nthMonday(y, 10, 2),
    dayOf(y, 12, 25),
  ];
}
const businessDay = (day: number): boolean => {
  const y = new Date(day * DAY).getUTCFullYear();
  return weekday(day) >= 1 && weekday(day) <= 5 && !holidays(y).includes(day);
};
function expectedDue(received: Date, days: number): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      hourCycle: "h23",
    })
      .formatToParts(received)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  let day = dayOf(parts.year!, parts.month!, parts.day!);
  if (!businessDay(day) || parts.hour! >= 17)
    do day++;
    while (!businessDay(day));
  for (let n = 0; n < days; n++)
    do day++;
    while (!businessDay(day));
  return new Date(day * DAY);
}
const longDate = (date: Date, lang: "fr" | "en"): string =>
  lang === "fr"
    ? new Intl.DateTimeFormat("fr-CA", {
        timeZone: "UTC",
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
      })
        .format(date)
        .replace(/^(\S+) 1 /, "$1 1er ")
    : new Intl.DateTimeFormat("en-US", {
        timeZone: "UTC",
        weekday: "long",
        day: "numeric",
        month: "long",
        year: "numeric",
      }).format(date);

async function openClinic(lang: "fr" | "en", role = "ClinicAdmin"): Promise<Page> {
  const page = await openClinicAs(browser.context, lang, role);
  await expect
    .poll(() => page.locator("#incoming-awaiting [role=status]").innerText(), { timeout: 20000 })
    .not.toBe("");
  return page;
}

/** The incoming section's rows that belong to this run, top to bottom, as the page shows them. */
async function ourRows(page: Page): Promise<{ key: string; cells: string[] }[]> {
  const rows = await page
    .locator("#incoming-awaiting table")
    .first()
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? "")),
    );
  const byId = Object.fromEntries(Object.entries(patients).map(([key, id]) => [id, key]));
  return rows.filter((cells) => byId[cells[1]!]).map((cells) => ({ key: byId[cells[1]!]!, cells }));
}

const received = new Date();
const twoWeeksAgo = new Date(received.getTime() - 14 * DAY);

beforeAll(async () => {
  if (skip) return;
  if (!available)
    throw new Error(`CLINICMAIL_BASE_URL=${base} is set but ${base}/api/health does not answer.`);
  if (!inbox || !pickup)
    throw new Error(
      "CLINICMAIL_MAIL_INBOX and CLINICMAIL_MAIL_PICKUP must name the app's folders (start_app_for_tests exports them).",
    );
  browser = await launch();
  await patient("fr", "fr");
  await patient("en", "en");
  await patient("suicide", "fr");
  await patient("old", "fr");
  await patient("away", "fr");
  drop(
    "fr",
    "Renouvellement",
    "Bonjour, pourriez-vous renouveler ma prescription? Merci beaucoup.",
    received,
  );
  drop(
    "en",
    "Question",
    "Hello, I have had chest pain since this morning and I am not sure what to do.",
    received,
  );
  drop("suicide", "Besoin d'aide", "Bonjour, j'ai des idées suicidaires depuis quelques jours.", received);
  drop(
    "old",
    "Rendez-vous",
    "Bonjour, est-ce que je peux déplacer mon rendez-vous de la semaine prochaine?",
    twoWeeksAgo,
  );
  drop(
    "away",
    "Réponse automatique : absent du bureau",
    "Je suis absente du bureau jusqu'au 4 janvier.",
    received,
    {
      "Auto-Submitted": "auto-replied",
      "X-Auto-Response-Suppress": "All",
    },
  );
}, 120_000);

afterAll(async () => {
  writeAuditReport("accessibility-incoming.json");
  await browser?.close();
});

describe.skipIf(skip)("incoming patient mail through the drop folder", () => {
  it("acknowledges the French patient in French: the delay, its due date, the phone number, then the limits", async () => {
    const ack = await waitForAck("fr");
    const due = longDate(expectedDue(received, delayDays), "fr");
    expect(ack.headers["to"]).toContain(address("fr"));
    expect(ack.headers["from"]).toContain(mailbox);
    expect(ack.headers["auto-submitted"]).toBe("auto-replied");
    expect(ack.headers["x-clinicmail-acknowledgement"]).toBe("1");
    expect(ack.headers["content-language"]).toBe("fr");
    expect(ack.text).toContain(`Notre délai de réponse est de ${delayDays} jour(s) ouvrable(s)`);
    expect(ack.text).toContain(`au plus tard le ${due}`);
    expect(ack.text).toContain(
      `Si vous n'avez pas reçu de réponse à cette date, téléphonez à la clinique au ${phone}`,
    );
    expect(ack.text).toContain("911");
    expect(ack.text).not.toContain("SI VOTRE SITUATION EST URGENTE");
    expect(ack.text.indexOf("délai de réponse")).toBeLessThan(ack.text.indexOf("911"));
    expect(ack.text).not.toMatch(/business day|We answer/);
  });

  it("acknowledges the English patient with chest pain in English, the urgent guidance first", async () => {
    const ack = await waitForAck("en");
    const due = longDate(expectedDue(received, delayDays), "en");
    expect(ack.headers["content-language"]).toBe("en");
    expect(ack.text).toContain("IF YOUR SITUATION IS URGENT");
    expect(ack.text.indexOf("IF YOUR SITUATION IS URGENT")).toBeLessThan(
      ack.text.indexOf("We answer within"),
    );
    expect(ack.text).toContain(
      `We answer within ${delayDays} business day(s): you will get an answer no later than ${due}`,
    );
    expect(ack.text).toContain(
      `If you have not received an answer by that date, call the clinic at ${phone}`,
    );
    expect(ack.text).not.toContain("jour(s) ouvrable(s)");
  });

  it("puts the urgent guidance first for suicidal thoughts written in French", async () => {
    const ack = await waitForAck("suicide");
    expect(ack.text.indexOf("SI VOTRE SITUATION EST URGENTE")).toBeGreaterThanOrEqual(0);
    expect(ack.text.indexOf("SI VOTRE SITUATION EST URGENTE")).toBeLessThan(
      ack.text.indexOf("Notre délai de réponse"),
    );
  });

  it("never acknowledges the auto-reply, and does not list it", async () => {
    // The other four were acknowledged after it was dropped; the watcher takes files in name order.
    await waitForAck("old");
    await expect
      .poll(() => existsSync(path.join(inbox!, `away-${stamp}.eml`)), { timeout: 20000 })
      .toBe(false);
    const awaiting = (await (await api("GET", "/api/v1/mail/awaiting")).json()) as {
      awaiting: { patientId: string | null }[];
    };
    expect(ackOf("away")).toBeUndefined();
    expect(awaiting.awaiting.map((a) => a.patientId)).not.toContain(patients.away);
  });

  it("lists them on the clinic page for a clinic administrator: overdue first, urgent marked, axe clean (fr, en)", async () => {
    const page = await openClinic("fr");
    await expect.poll(async () => (await ourRows(page)).length, { timeout: 20000 }).toBe(4);
    const rows = await ourRows(page);
    expect(rows.map((r) => r.key)[0]).toBe("old");
    expect(
      rows
        .slice(1, 3)
        .map((r) => r.key)
        .sort(),
    ).toEqual(["en", "suicide"]);
    expect(rows[3]!.key).toBe("fr");
    const status = (key: string): string => rows.find((r) => r.key === key)!.cells[5]!;
    expect(status("old")).toBe("En retard");
    expect(status("en")).toBe("Dans le délai · Urgent");
    expect(status("suicide")).toBe("Dans le délai · Urgent");
    expect(status("fr")).toBe("Dans le délai");
    expect(rows.every((r) => r.cells[0] === mailbox && r.cells[2] === "Patient (consentement)")).toBe(true);
    await page.locator("#incoming-heading").scrollIntoViewIfNeeded();
    expect(await audit(page, "clinic-incoming", "awaiting list (fr)"), "awaiting list (fr)").toEqual([]);

    const english = await openClinic("en");
    await expect.poll(async () => (await ourRows(english)).length, { timeout: 20000 }).toBe(4);
    const en = await ourRows(english);
    expect(en.find((r) => r.key === "old")!.cells[5]).toBe("Overdue");
    expect(en.find((r) => r.key === "en")!.cells[5]).toBe("Within the delay · Urgent");
    expect(await english.locator("#incoming-awaiting caption").first().innerText()).toBe(
      "E-mails awaiting an answer",
    );
    expect(await audit(english, "clinic-incoming", "awaiting list (en)"), "awaiting list (en)").toEqual([]);
    await page.close();
    await english.close();
  });

  it("shows a physician with no watched box an empty list, axe clean", async () => {
    const page = await openClinic("fr", "Physician");
    await expect
      .poll(() => page.locator("#incoming-awaiting [role=status]").innerText(), { timeout: 20000 })
      .toBe("Aucun courriel n'attend de réponse.");
    // Only the weekly-share table: no list of messages.
    expect(await page.locator("#incoming-awaiting caption").allInnerTexts()).toEqual([
      "Part des réponses dans le délai, par semaine",
    ]);
    expect(await audit(page, "clinic-incoming", "empty (physician, fr)"), "empty (physician, fr)").toEqual(
      [],
    );
    await page.close();
  });
});
