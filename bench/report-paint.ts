/**
 * How fast the HTML report opens with many trials, in headless Chromium: first contentful paint,
 * table ready, first transcript open, a filter and a search. Prints figures; asserts nothing.
 *
 *   npx tsx bench/report-paint.ts [--trials 10000] [--padding 20] [--loads 3]
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { analyze } from "../src/analysis/analyze.js";
import { renderHtmlReport } from "../src/report/html/index.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/helpers/chromium.js";
import { makeResultLines, makeRunMeta } from "../test/helpers/synthetic-results.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    padding: { type: "string", default: "20" },
    loads: { type: "string", default: "3" },
  },
});
const totalTrials = Number(values.trials);
const padding = Number(values.padding);
const loads = Math.max(1, Number(values.loads));

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found: install Debian's chromium or set CHROMIUM_PATH.`);
  process.exit(2);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};
const ms = (x: number): string => `${Math.round(x)} ms`;

// Two candidates, five trials per scenario: the shape of a release comparison.
const trialsPerScenario = 5;
const scenarios = Math.max(1, Math.round(totalTrials / (2 * trialsPerScenario)));
let t = performance.now();
const lines = makeResultLines({ scenarios, trials: trialsPerScenario, seed: 42, padding, hostile: true });
const meta = makeRunMeta(lines);
const generateMs = performance.now() - t;
t = performance.now();
const analysis = analyze(lines, [meta], { generatedAt: null });
const analyzeMs = performance.now() - t;
t = performance.now();
const page = renderHtmlReport(analysis, lines, [meta]);
const renderMs = performance.now() - t;

const dir = mkdtempSync(join(tmpdir(), "sb-paint-"));
const file = join(dir, "index.html");
writeFileSync(file, page);
const url = pathToFileURL(file).href;

interface Load {
  fcp: number;
  domContentLoaded: number;
  ready: number;
  heapMb: number;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const measured: Load[] = [];
  let openMs = 0;
  let reopenMs = 0;
  let filterMs = 0;
  let searchMs = 0;
  for (let i = 0; i < loads; i++) {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await tab.goto(url, { waitUntil: "load" });
    await tab.waitForSelector("html[data-ready]");
    measured.push(
      await tab.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const ready = performance.getEntriesByName("sb-ready")[0];
        const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
        return {
          fcp: fcp?.startTime ?? Number.NaN,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? Number.NaN,
          ready: ready?.startTime ?? Number.NaN,
          heapMb: (memory?.usedJSHeapSize ?? 0) / 1e6,
        };
      }),
    );
    if (i === 0) {
      // The first open parses its block of transcripts; the second reuses it.
      const open = () =>
        tab.evaluate(() => {
          const start = performance.now();
          (document.querySelector("#trial-rows tr:nth-child(3)") as HTMLElement).click();
          const took = performance.now() - start;
          (document.getElementById("trial-dialog") as HTMLDialogElement).close();
          return took;
        });
      openMs = await open();
      reopenMs = await open();
      filterMs = await tab.evaluate(() => {
        const select = document.querySelector("select[data-filter=verdict]") as HTMLSelectElement;
        const start = performance.now();
        select.value = "fail";
        select.dispatchEvent(new Event("change"));
        const took = performance.now() - start;
        select.value = "";
        select.dispatchEvent(new Event("change"));
        return took;
      });
      searchMs = await tab.evaluate(async () => {
        const input = document.getElementById("trial-search") as HTMLInputElement;
        const status = document.getElementById("trial-status") as HTMLElement;
        const before = status.textContent;
        const start = performance.now();
        input.value = "refund arrives";
        input.dispatchEvent(new Event("input"));
        // No named functions in here: tsx would wrap them in a helper the page does not have.
        while (status.textContent === before || !/^(Showing|No conversation)/.test(status.textContent ?? "")) {
          await new Promise((r) => setTimeout(r, 5));
        }
        return performance.now() - start - 200;
      });
    }
    await tab.close();
  }
  const fcp = median(measured.map((m) => m.fcp));
  console.log(`report paint bench: ${lines.length} trials, padding ${padding}, ${loads} loads (median)`);
  console.log(`  index.html              ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  console.log(`  generate / analyze / render  ${ms(generateMs)} / ${ms(analyzeMs)} / ${ms(renderMs)}`);
  console.log(`  first contentful paint  ${ms(fcp)}  (target < 2000 ms: ${fcp < 2000 ? "met" : "MISSED"})`);
  console.log(`  DOMContentLoaded        ${ms(median(measured.map((m) => m.domContentLoaded)))}`);
  console.log(`  table ready             ${ms(median(measured.map((m) => m.ready)))}`);
  console.log(`  JS heap after load      ${median(measured.map((m) => m.heapMb)).toFixed(0)} MB`);
  console.log(`  first transcript open   ${ms(openMs)} (parses its block of 100 transcripts)`);
  console.log(`  next transcript open    ${ms(reopenMs)}`);
  console.log(`  filter change           ${ms(filterMs)}`);
  console.log(`  first text search       ${ms(searchMs)} (after the 200 ms debounce; reads every conversation)`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
