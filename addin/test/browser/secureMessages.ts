// Secure messages for the browser suites: created as the add-in's "Send securely" does (check,
// then create), and the one-time code read from the app's mail pickup folder.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";

export async function devToken(base: string, role: string): Promise<string> {
  const minted = await fetch(`${base}/api/dev/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role }),
  });
  if (!minted.ok)
    throw new Error(`development token: HTTP ${minted.status} (the API must run in Development mode)`);
  return ((await minted.json()) as { accessToken: string }).accessToken;
}

export function apiCall(
  base: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${base}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "accept-language": "en",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A secure message as the add-in's "Send securely" creates it: check first, then create. */
export async function createSecureMessage(
  base: string,
  token: string,
  to: string,
  secret: string,
): Promise<{ messageId: string; link: string }> {
  // The secure message must carry exactly what was checked (the server compares the fingerprints).
  const content = {
    subject: "Suivi",
    body: `<p>Bonjour <b>Marie</b>,</p><p>${secret}</p><script>document.title='pwned'</script>`,
    bodyFormat: "html",
  };
  const attachment = {
    name: "biopsie.txt",
    contentType: "text/plain",
    contentBase64: Buffer.from("rapport fictif").toString("base64"),
  };
  const check = await apiCall(base, token, "POST", "/api/v1/check", {
    ...content,
    to: [to],
    attachments: [{ ...attachment, size: 14, kind: "file" }],
  });
  expect(check.status, await check.clone().text()).toBe(200);
  const { checkId } = (await check.json()) as { checkId: string };
  const created = await apiCall(base, token, "POST", "/api/v1/secure-messages", {
    checkId,
    ...content,
    recipients: [to],
    attachments: [attachment],
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return (await created.json()) as { messageId: string; link: string };
}

/** The newest code mailed to an address after `since` (ms), from the pickup folder. */
export async function codeFor(pickup: string, address: string, since: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const files = readdirSync(pickup)
      .filter((f) => f.endsWith(".eml"))
      .map((f) => path.join(pickup, f))
      .filter((f) => statSync(f).mtimeMs >= since - 1000)
      .sort()
      .reverse();
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/=\r\n/g, "");
      if (text.includes(`\r\nTo: ${address}\r\n`) && text.includes("X-ClinicMail-Kind: secure-code")) {
        const match = /ClinicMail[^\d\r\n]*?(\d{6,9})/.exec(text);
        if (match) return match[1]!;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code mail for ${address} in ${pickup}`);
}
