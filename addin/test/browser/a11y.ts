// Accessibility plumbing for the browser suites: axe-core (WCAG 2.1 A/AA rules) through
// @axe-core/playwright, a per-run report in <repo>/test-artifacts/addin/accessibility.json, and the
// measurements axe cannot make (reflow, contrast of a given element, focus indicator).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { writeArtifact } from "./browser";

export interface AuditEntry {
  page: string;
  state: string;
  url: string;
  violations: { id: string; impact: string | null; nodes: string[]; help: string }[];
}

const report: AuditEntry[] = [];

/** Runs axe on the page as it is now, records the result and returns the serious/critical rules. */
export async function audit(page: Page, pageName: string, state: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    nodes: v.nodes.map((n) => n.target.join(" ")),
    help: v.help,
  }));
  report.push({ page: pageName, state, url: page.url(), violations });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

export function writeAuditReport(file: string): void {
  if (report.length > 0) writeArtifact(file, JSON.stringify(report, null, 2) + "\n");
}

/**
 * WCAG 1.4.10 reflow: the page must not scroll sideways at 320 CSS px wide nor at 200 % zoom (CSS
 * zoom on the document, which lays out as the browser's zoom does). Returns the failing cases.
 */
export async function reflowProblems(page: Page): Promise<string[]> {
  const scrolls = (): Promise<boolean> =>
    page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
  const setZoom = (factor: number): Promise<void> =>
    page.evaluate((f) => {
      (document.documentElement.style as CSSStyleDeclaration & { zoom: string }).zoom = String(f);
    }, factor);
  const problems: string[] = [];
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 320, height: 640 });
  if (await scrolls()) problems.push("horizontal scrolling at 320 px");
  await page.setViewportSize({ width: 1280, height: 800 });
  await setZoom(2);
  if (await scrolls()) problems.push("horizontal scrolling at 200 % zoom");
  await setZoom(1);
  await page.setViewportSize(viewport);
  return problems;
}

/** Contrast ratio of an element's text against its nearest opaque background (WCAG formula). */
export function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no element ${sel}`);
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (rgb: number[]): number => {
      const [r, g, b] = rgb.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const fg = parse(getComputedStyle(el).color);
    let node: Element | null = el;
    let bg = [255, 255, 255];
    while (node) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3]! > 0.5)) {
        bg = c;
        break;
      }
      node = node.parentElement;
    }
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  }, selector);
}

/** The focused element has a visible indicator: an outline, or a box-shadow ring. */
export function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const chain: Element[] = [];
    let el = document.activeElement;
    while (el) {
      chain.push(el);
      el = el.shadowRoot?.activeElement ?? null;
    }
    const shown = (e: Element): boolean => {
      const s = getComputedStyle(e);
      const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
      const ring = s.boxShadow !== "none" && s.boxShadow !== "";
      return outline || ring;
    };
    return chain.length > 0 && chain[0] !== document.body && chain.some(shown);
  });
}
