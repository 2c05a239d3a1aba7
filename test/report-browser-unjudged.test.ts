import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import { unjudged } from "../src/graders/grade-trial.js";
import { renderHtmlReport } from "../src/report/html/index.js";
import type { ResultLine } from "../src/run/schema.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./helpers/chromium.js";
import { bot, customer, gradeInput } from "./helpers/judge-input.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

const available = existsSync(CHROMIUM);
const required = process.env.CI === "true";

/** The trial view of a run without a judge: its "not judged" grades are no LLM-judge scores. */
describe.skipIf(!available && !required)("not-judged grades in the trial view", () => {
  let browser: Browser;
  let dir: string;
  let url: string;
  let line: ResultLine;

  beforeAll(async () => {
    const placeholders = unjudged(gradeInput([customer(0, "Hi"), bot(1, "Hello")]));
    const lines = makeResultLines({ candidates: ["bot"], scenarios: 6, seed: 4, judged: false, errorRate: 0 }).map(
      (l) => ({ ...l, grades: [...l.grades, ...placeholders] }),
    );
    line = lines[0]!;
    const meta = makeRunMeta(lines, { judge: null });
    dir = mkdtempSync(join(tmpdir(), "sb-unjudged-"));
    const file = join(dir, "index.html");
    writeFileSync(file, renderHtmlReport(analyze(lines, [meta]), lines, [meta]));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("labels them 'not judged (no --judge)' without a score", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${url}#trial=${encodeURIComponent(line.key)}`);
    await page.waitForSelector("#trial-dialog[open]", { timeout: 15_000 });
    const read = (criterion: string) =>
      page.$eval(`#trial-grades .grade[data-criterion="${criterion}"]`, (g) => ({
        tags: Array.from(g.querySelectorAll(".grade-head .tag")).map((t) => t.textContent ?? ""),
        figure: g.querySelector(".n")?.textContent ?? "",
      }));
    for (const criterion of ["rubric", "forbidden"]) {
      // The deterministic forbidden grader shares the name: read the not-judged one by its tag.
      const shown = await page.$$eval(`#trial-grades .grade[data-criterion="${criterion}"]`, (gs) =>
        gs.map((g) => ({
          tags: Array.from(g.querySelectorAll(".grade-head .tag")).map((t) => t.textContent ?? ""),
          figure: g.querySelector(".n")?.textContent ?? "",
        })),
      );
      const unjudgedShown = shown.filter((s) => s.tags.includes("not judged (no --judge)"));
      expect(unjudgedShown, criterion).toHaveLength(1);
      expect(unjudgedShown[0]!.tags).not.toContain("LLM judge");
      expect(unjudgedShown[0]!.figure).toBe("no score: the run had no judge");
    }
    expect((await read("rubric")).tags).toEqual(["not judged (no --judge)"]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
