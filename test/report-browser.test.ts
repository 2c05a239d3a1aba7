import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import type { Analysis } from "../src/analysis/schema.js";
import { DECISION_LABEL } from "../src/report/html/format.js";
import { renderHtmlReport } from "../src/report/html/index.js";
import { type ResultLine, trialKey } from "../src/run/schema.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./helpers/chromium.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

const available = existsSync(CHROMIUM);
const required = process.env.CI === "true";
if (!available && !required) {
  console.warn(
    `report-browser tests SKIPPED: ${CHROMIUM} is absent (apt-get install chromium). They always run when CI=true.`,
  );
}

const HOSTILE_CANDIDATE = 'module:./<img src=x onerror="window.__pwned=1">.ts';
const HOSTILE_BOT = '<script>window.__pwned=1</script> <a href="javascript:window.__pwned=1">click</a>';
const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const BREAKOUT = '"]}</script><script>window.__pwned=1;alert(1)</script><!--';
const MARKER = "zebracorn";
const FUZZY_INDEX = 2;
const FUZZY_TEXT = "Thanks for waiting.\n\nYour refund  of 89.90 EUR was sent on Monday. Anything else?";
const FUZZY_QUOTE = "refund: …thanks for waiting. Your refund of 89.90 EUR was sent…";

/** Synthetic lines with markup in names and texts, and a word that only the conversations contain. */
function fixtureLines(): ResultLine[] {
  return makeResultLines({ scenarios: 90, trials: 3, seed: 11, hostile: true }).map((line, i) => {
    let l = line;
    if (l.candidate === "builtin:faq-bot") {
      l = { ...l, candidate: HOSTILE_CANDIDATE, key: trialKey(l.suite, l.scenario, HOSTILE_CANDIDATE, l.trial) };
    }
    if (i % 5 === 0) {
      l = {
        ...l,
        transcript: l.transcript.map((e) => {
          if (e.type === "bot") return { ...e, text: `${e.text} ${HOSTILE_BOT} ${BREAKOUT}` };
          if (e.type === "customer") return { ...e, text: `${e.text} ${HOSTILE_IMG}` };
          if (e.type === "tool") return { ...e, args: { note: BREAKOUT }, result: { html: HOSTILE_IMG } };
          return e;
        }),
        grades: l.grades.map((g) => ({
          ...g,
          reason: `${g.reason} ${HOSTILE_IMG}`,
          evidence: g.evidence.map((ev) => ({ ...ev, quote: `${ev.quote} ${BREAKOUT}` })),
        })),
      };
    }
    if (i === FUZZY_INDEX) {
      // Graders quote trimmed ("…"), re-spaced and labelled text; the page must still find it.
      let first = true;
      l = {
        ...l,
        transcript: l.transcript.map((e) => {
          if (e.type !== "bot" || !first) return e;
          first = false;
          return { ...e, text: FUZZY_TEXT };
        }),
        grades: l.grades.map((g, n) =>
          n === 0 ? { ...g, evidence: [{ turn: 1, quote: FUZZY_QUOTE }] } : { ...g, evidence: [] },
        ),
      };
    }
    if (i % 7 === 3) {
      l = {
        ...l,
        transcript: l.transcript.map((e) => (e.type === "customer" ? { ...e, text: `${e.text} ${MARKER}` } : e)),
      };
    }
    return l;
  });
}

interface Watch {
  errors: string[];
  dialogs: string[];
  requests: string[];
}

async function openPage(browser: Browser, url: string): Promise<{ page: Page; watch: Watch }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const watch: Watch = { errors: [], dialogs: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") watch.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) watch.requests.push(r.url());
  });
  // Runs outside the page's CSP: records every violation the policy reports.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready]", { timeout: 15_000 });
  return { page, watch };
}

async function assertClean(page: Page, watch: Watch): Promise<void> {
  expect(watch.errors).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.requests).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
}

const shownIndexes = (page: Page): Promise<number[]> =>
  page.$$eval("#trial-rows tr", (rows) => rows.map((r) => Number((r as HTMLElement).dataset.index)));

const statusText = (page: Page): Promise<string> => page.$eval("#trial-status", (e) => e.textContent ?? "");

/**
 * Waits until the status line changes after an action, so debounced filters have applied. The
 * first search says "Searching N conversations…" before it reads them: that is not the result yet.
 */
async function afterChange(page: Page, action: () => Promise<void>): Promise<void> {
  const before = await statusText(page);
  await action();
  await page.waitForFunction(
    (prev) => {
      const now = document.getElementById("trial-status")?.textContent ?? "";
      return now !== prev && !now.startsWith("Searching");
    },
    before,
    { timeout: 5_000 },
  );
}

function matchesOf(status: string): number {
  const m = /of ([\d,]+) conversations/.exec(status);
  return m?.[1] ? Number(m[1].replace(/,/g, "")) : 0;
}

describe.skipIf(!available && !required)("HTML report in headless Chromium", () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  let lines: ResultLine[];
  let analysis: Analysis;

  beforeAll(async () => {
    if (!available)
      throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
    lines = fixtureLines();
    const meta = makeRunMeta(lines);
    analysis = analyze(lines, [meta], { generatedAt: "2026-01-16T10:00:00Z" });
    dir = mkdtempSync(join(tmpdir(), "sb-report-"));
    const file = join(dir, "index.html");
    writeFileSync(file, renderHtmlReport(analysis, lines, [meta]));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("loads from file:// without console errors, CSP violations, network requests or executed payloads", async () => {
    const { page, watch } = await openPage(browser, url);
    expect(await shownIndexes(page)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(matchesOf(await statusText(page))).toBe(lines.length);
    // The recommendation reads as a headline and a list: the same sentences, in order.
    const shownSentences = await page.$$eval(
      "[data-testid=recommendation] .lead, [data-testid=recommendation] li",
      (els) => els.map((e) => e.textContent ?? ""),
    );
    expect(shownSentences).toEqual(analysis.recommendation_sentences);
    expect(shownSentences.join(" ")).toBe(analysis.recommendation);
    // The plan's intents are all in the decision table, and the pooled marker is explained.
    const lead = analysis.scope.find((p) => p.candidate === analysis.recommended)!;
    expect(await page.locator("table.plan-table.intents tbody tr").count()).toBe(lead.by_intent.length);
    if (lead.cells.some((c) => c.basis === "pooled")) {
      expect(await page.isVisible("ul.legend .legend-pooled")).toBe(true);
    }
    await assertClean(page, watch);
    await page.close();
  });

  it("filters, searches and pages through the rows", async () => {
    const { page, watch } = await openPage(browser, url);
    const expectRows = async (predicate: (l: ResultLine) => boolean) => {
      const expected = lines.filter(predicate).length;
      expect(expected).toBeGreaterThan(0);
      expect(matchesOf(await statusText(page))).toBe(expected);
      const shown = await shownIndexes(page);
      expect(shown.length).toBe(Math.min(100, expected));
      for (const i of shown) expect(predicate(lines[i]!)).toBe(true);
    };

    await afterChange(page, () => page.selectOption("select[data-filter=verdict]", "fail").then(() => undefined));
    await expectRows((l) => l.verdict === "fail");

    await afterChange(page, () =>
      page.selectOption("select[data-filter=candidate]", HOSTILE_CANDIDATE).then(() => undefined),
    );
    await afterChange(page, () => page.selectOption("select[data-filter=tier]", "3").then(() => undefined));
    await expectRows((l) => l.verdict === "fail" && l.candidate === HOSTILE_CANDIDATE && l.tier === 3);

    await afterChange(page, () => page.click("#trial-reset"));
    expect(matchesOf(await statusText(page))).toBe(lines.length);

    await afterChange(page, () => page.selectOption("select[data-filter=escalation]", "missed").then(() => undefined));
    await expectRows((l) => l.escalation === "missed");
    await afterChange(page, () => page.click("#trial-reset"));

    // A word that only occurs in what customers said: the search reads the conversations.
    await afterChange(page, () => page.fill("#trial-search", MARKER));
    await expectRows((l) => l.transcript.some((e) => e.type === "customer" && e.text.includes(MARKER)));

    await afterChange(page, () => page.fill("#trial-search", "fraud-report sv"));
    await expectRows((l) => l.scenario.includes("fraud-report") && l.language === "sv");

    await afterChange(page, () => page.fill("#trial-search", ""));
    await afterChange(page, () => page.click("#page-next"));
    expect(await shownIndexes(page)).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    expect(await page.textContent("#page-info")).toBe(`Page 2 of ${Math.ceil(lines.length / 100)}`);
    await assertClean(page, watch);
    await page.close();
  });

  it("opens a transcript with its tool calls, hand-off, grades and the cited quotes highlighted", async () => {
    const { page, watch } = await openPage(browser, url);
    // A trial on the first page with a tool call, a hand-off and evidence that quotes a bot turn verbatim.
    const index = lines
      .slice(0, 100)
      .findIndex(
        (l, i) =>
          i % 5 !== 0 &&
          l.transcript.some((e) => e.type === "tool") &&
          l.transcript.some((e) => e.type === "handoff") &&
          l.grades.some((g) => g.evidence.length > 0),
      );
    expect(index).toBeGreaterThanOrEqual(0);
    const line = lines[index]!;
    await page.click(`#trial-rows tr[data-index="${index}"] button.link`);
    await page.waitForSelector("#trial-dialog[open]");
    expect(await page.textContent("#trial-title")).toContain(line.scenario);
    expect(await page.locator("#trial-transcript .event").count()).toBe(line.transcript.length);
    expect(await page.locator("#trial-transcript .event-tool").count()).toBe(
      line.transcript.filter((e) => e.type === "tool").length,
    );
    expect(await page.locator("#trial-transcript .event-handoff").count()).toBe(1);
    expect(await page.locator("#trial-grades .grade").count()).toBe(line.grades.length);

    const quotes = line.grades.flatMap((g) => g.evidence.map((e) => e.quote));
    const marks = await page.$$eval("#trial-transcript mark.cite", (ms) => ms.map((m) => m.textContent ?? ""));
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(quotes.some((q) => q.includes(m) || m.includes(q))).toBe(true);
    // Each mark sits in an event of the turn its evidence cites.
    const markTurns = await page.$$eval("#trial-transcript mark.cite", (ms) =>
      ms.map((m) => Number((m.closest(".event") as HTMLElement).dataset.turn)),
    );
    const citedTurns = new Set(line.grades.flatMap((g) => g.evidence.map((e) => e.turn)));
    for (const t of markTurns) expect(citedTurns.has(t)).toBe(true);

    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#trial=${line.key}`);
    await page.click("#trial-close");
    expect(await page.locator("#trial-dialog[open]").count()).toBe(0);
    await assertClean(page, watch);
    await page.close();
  });

  it("highlights quotes that a grader trimmed, re-spaced or labelled", async () => {
    const { page, watch } = await openPage(browser, url);
    expect(lines[FUZZY_INDEX]!.transcript.find((e) => e.type === "bot")?.turn).toBe(1);
    await page.click(`#trial-rows tr[data-index="${FUZZY_INDEX}"]`);
    await page.waitForSelector("#trial-dialog[open]");
    const marks = await page.$$eval("#trial-transcript mark.cite", (ms) => ms.map((m) => m.textContent));
    expect(marks).toEqual(["Thanks for waiting.\n\nYour refund  of 89.90 EUR was sent"]);
    expect(await page.locator("#trial-grades .evidence.unplaced").count()).toBe(0);
    await assertClean(page, watch);
    await page.close();
  });

  it("shows hostile bot output as text and runs none of it", async () => {
    const { page, watch } = await openPage(browser, url);
    await afterChange(page, () =>
      page.selectOption("select[data-filter=candidate]", HOSTILE_CANDIDATE).then(() => undefined),
    );
    const hostile = (await shownIndexes(page)).find(
      (i) => i % 5 === 0 && lines[i]!.grades.some((g) => g.evidence.length),
    );
    expect(hostile).toBeDefined();
    await page.click(`#trial-rows tr[data-index="${hostile}"]`);
    await page.waitForSelector("#trial-dialog[open]");
    const text = (await page.textContent("#trial-dialog")) ?? "";
    expect(text).toContain("<script>window.__pwned=1</script>");
    expect(text).toContain('href="javascript:window.__pwned=1"');
    expect(text).toContain("</script><script>");
    expect(text).toContain(HOSTILE_CANDIDATE);
    // Give any smuggled handler a chance to fire, then check that nothing ran or loaded.
    await page.waitForTimeout(300);
    const counts = await page.evaluate(() => ({
      img: document.querySelectorAll("img").length,
      script: document.querySelectorAll("script").length,
      jsLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
      handlers: Array.from(document.querySelectorAll("*")).filter((e) =>
        Array.from(e.attributes).some((a) => a.name.startsWith("on")),
      ).length,
    }));
    expect(counts).toEqual({ img: 0, script: 2 + Math.ceil(lines.length / 100), jsLinks: 0, handlers: 0 });
    await page.click("#trial-dialog .evidence >> nth=0");
    await assertClean(page, watch);
    await page.close();
  });

  it("draws the heat-maps exactly as the analysis decided", async () => {
    const { page, watch } = await openPage(browser, url);
    expect(analysis.scope.length).toBe(2);
    for (const plan of analysis.scope) {
      const cells = await page.evaluate((candidate) => {
        const table = Array.from(document.querySelectorAll<HTMLElement>("table.heatmap")).find(
          (t) => t.dataset.heatmap === candidate,
        );
        if (!table) return null;
        return Array.from(table.querySelectorAll<HTMLElement>("td.cell"))
          .filter((td) => td.dataset.decision !== "none")
          .map((td) => ({
            intent: td.dataset.intent,
            language: td.dataset.language,
            tier: Number(td.dataset.tier),
            decision: td.dataset.decision,
            basis: td.dataset.basis,
            outline: getComputedStyle(td).outlineStyle,
            label: td.querySelector(".cell-label")?.textContent,
            colour: getComputedStyle(td).backgroundImage + getComputedStyle(td).backgroundColor,
          }));
      }, plan.candidate);
      expect(cells).not.toBeNull();
      const key = (c: { intent?: string; language?: string; tier: number }) => `${c.intent}|${c.language}|${c.tier}`;
      const shown = [...(cells ?? [])].sort((a, b) => key(a).localeCompare(key(b)));
      const expected = [...plan.cells].sort((a, b) => key(a).localeCompare(key(b)));
      expect(shown.map((c) => [key(c), c.decision, c.label])).toEqual(
        expected.map((c) => [key(c), c.decision, DECISION_LABEL[c.decision]]),
      );
      // Pooled decisions carry a visible dashed outline; decisions on a cell's own scenarios do not.
      expect(shown.map((c) => [key(c), c.basis, c.outline])).toEqual(
        expected.map((c) => [key(c), c.basis ?? "none", c.basis === "pooled" ? "dashed" : "none"]),
      );
      // One colour per decision, and different decisions never share a colour.
      const colours = new Map<string, Set<string>>();
      for (const c of shown) colours.set(c.decision ?? "", (colours.get(c.decision ?? "") ?? new Set()).add(c.colour));
      for (const set of colours.values()) expect(set.size).toBe(1);
      const all = [...colours.values()].map((s) => [...s][0]);
      expect(new Set(all).size).toBe(all.length);
    }
    await assertClean(page, watch);
    await page.close();
  });

  it("opens a trial from a deep link and from the failure examples", async () => {
    const target = lines[137]!;
    const { page, watch } = await openPage(browser, `${url}#trial=${encodeURIComponent(target.key)}`);
    await page.waitForSelector("#trial-dialog[open]");
    expect(await page.textContent("#trial-title")).toContain(
      `${target.scenario} · ${target.candidate} · trial ${target.trial}`,
    );
    await page.keyboard.press("Escape");
    expect(await page.locator("#trial-dialog[open]").count()).toBe(0);

    const link = page.locator("a.trial-link").first();
    const href = (await link.getAttribute("href")) ?? "";
    await link.click();
    await page.waitForSelector("#trial-dialog[open]");
    const key = decodeURIComponent(href.replace(/^#trial=/, ""));
    const line = lines.find((l) => l.key === key)!;
    expect(await page.textContent("#trial-title")).toContain(
      `${line.scenario} · ${line.candidate} · trial ${line.trial}`,
    );
    await assertClean(page, watch);
    await page.close();
  });

  it("embeds only some conversations when told to, failures first, and says so where one is missing", async () => {
    const file = join(dir, "capped.html");
    writeFileSync(file, renderHtmlReport(analysis, lines, [makeRunMeta(lines)], { maxConversations: 20 }));
    const capped = pathToFileURL(file).href;
    const failing = lines.filter((l) => l.verdict !== "pass");
    expect(failing.length).toBeGreaterThan(20);
    const embedded = failing[0]!;
    const missing = lines.filter((l) => l.verdict === "pass").at(-1)!;

    const { page, watch } = await openPage(browser, `${capped}#trial=${encodeURIComponent(missing.key)}`);
    expect(await page.textContent("#trial-embedded")).toContain(`embeds 20 of the ${lines.length} conversations`);
    await page.waitForSelector("#trial-dialog[open]");
    expect(await page.textContent("#trial-transcript")).toContain(`not embedded`);
    expect(await page.textContent("#trial-transcript")).toContain(missing.key);
    await page.keyboard.press("Escape");

    await page.evaluate((key) => {
      location.hash = `#trial=${encodeURIComponent(key)}`;
    }, embedded.key);
    await page.waitForSelector("#trial-dialog[open]");
    expect(await page.textContent("#trial-transcript")).not.toContain("not embedded");
    const said = embedded.transcript.find((e) => e.type === "customer");
    expect(
      said?.type === "customer" && (await page.textContent("#trial-transcript"))?.includes(said.text.slice(0, 20)),
    ).toBe(true);
    await assertClean(page, watch);
    await page.close();
  });

  it("prints the summary without the interactive controls", async () => {
    const { page, watch } = await openPage(browser, url);
    await page.emulateMedia({ media: "print" });
    expect(await page.isVisible("#trial-filters")).toBe(false);
    expect(await page.isVisible("table.heatmap >> nth=0")).toBe(true);
    await assertClean(page, watch);
    await page.close();
  });
});
