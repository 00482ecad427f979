// After the browser suite: scans the app's log and telemetry output for the PHI markers the suite sent —
// the addresses, subjects and body phrases written in the browser tests, and the link tokens of the
// secure messages it created (read from the app's mail pickup folder). Any marker found fails the step.
// Usage: node scripts/phi-scan.mjs <mail-pickup dir> <source dirs, comma-separated> <log or telemetry file>...
//        [--tokens-only <file>...]
// (the sources: the browser tests and the sandbox's scenario drafts they send). Files after --tokens-only
// (the app's database: audit chain, secure and consent tables) are scanned for link tokens and bearer
// tokens only — the registry in it holds the test patients' addresses by design.
// Prints marker kinds and counts only, never a marker (a token must not reach the CI log either).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const [pickup, sources, ...rest] = process.argv.slice(2);
const split = rest.indexOf("--tokens-only");
const outputs = split < 0 ? rest : rest.slice(0, split);
const tokenOnlyOutputs = split < 0 ? [] : rest.slice(split + 1);
if (!sources || outputs.length === 0) {
  console.error("usage: phi-scan.mjs <mail-pickup dir> <browser tests dir> <file>...");
  process.exit(2);
}

const files = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .map((f) => join(dir, f))
    : [];

/** kind → Set of marker strings. */
const markers = { address: new Set(), subject: new Set(), body: new Set(), token: new Set() };

for (const file of sources.split(",").flatMap((dir) => files(dir, ".ts"))) {
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g))
    markers.address.add(m[0].toLowerCase());
  for (const m of text.matchAll(/\bsubject\s*[:=]\s*(["'`])([^"'`$]{8,})\1/g)) markers.subject.add(m[2]);
  // What the tests type into the compose form.
  for (const m of text.matchAll(/\.fill\([^,]+,\s*(["'`])([^"'`$]{12,})\1/g))
    markers.body.add(m[2].slice(0, 40));
  // Body phrases: the first words of each body literal, long enough to be unmistakable.
  for (const m of text.matchAll(/\bbody\s*[:=]\s*(["'`])([^"'`$]{16,})\1/g)) {
    const phrase = m[2]
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 40);
    if (phrase.length >= 16) markers.body.add(phrase);
  }
}

for (const file of files(pickup ?? "", ".eml")) {
  const text = readFileSync(file, "utf8").replace(/=\r?\n/g, "");
  // Secure-message links (/secure/{token}) and consent-page links (/secure/consent/{token}).
  for (const m of text.matchAll(/\/secure\/(?:consent\/)?([A-Za-z0-9_-]{16,})/g)) markers.token.add(m[1]);
}

// Binary files (the database) are read byte for byte: tokens are ASCII.
const read = (list, encoding) =>
  list.filter((f) => existsSync(f) && statSync(f).isFile()).map((f) => [f, readFileSync(f, encoding)]);
const haystacks = read(outputs, "utf8");
const tokenHaystacks = read(tokenOnlyOutputs, "latin1");
let found = 0;
for (const [kind, set] of Object.entries(markers)) {
  let hits = 0;
  const scanned = kind === "token" ? [...haystacks, ...tokenHaystacks] : haystacks;
  for (const marker of set) {
    for (const [, text] of scanned) {
      if (text.toLowerCase().includes(marker.toLowerCase())) hits++;
    }
  }
  // A bearer token (JWT) in a log is a leak whatever the suite sent.
  console.log(`${kind}: ${set.size} markers, ${hits} found`);
  found += hits;
}
let jwts = 0;
for (const [, text] of [...haystacks, ...tokenHaystacks])
  jwts += (text.match(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./g) ?? []).length;
console.log(`bearer tokens: ${jwts} found`);
found += jwts;
console.log(`scanned ${haystacks.length} file(s): ${haystacks.map(([f]) => f).join(", ")}`);
console.log(
  `scanned for tokens only ${tokenHaystacks.length} file(s): ${tokenHaystacks.map(([f]) => f).join(", ")}`,
);

const total = Object.values(markers).reduce((n, s) => n + s.size, 0);
if (total < 10) {
  console.error(`only ${total} markers were collected: the scan would prove nothing`);
  process.exit(1);
}
process.exit(found > 0 ? 1 : 0);
