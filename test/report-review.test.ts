import { describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import { comparePaired } from "../src/analysis/compare.js";
import type { Analysis } from "../src/analysis/schema.js";
import { defaultScopePolicy } from "../src/analysis/scope-policy.js";
import { unjudged } from "../src/graders/grade-trial.js";
import type { Grade } from "../src/graders/schema.js";
import { money, percentRange } from "../src/report/html/format.js";
import { renderHtmlReport } from "../src/report/html/index.js";
import { renderMarkdown } from "../src/report/markdown.js";
import type { ResultLine, RunMeta } from "../src/run/schema.js";
import { bot, customer, gradeInput } from "./helpers/judge-input.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

/** Reports read the Analysis: figures, labels and counts as the reviewer found them wrong. */

function render(analysis: Analysis, lines: ResultLine[], metas: RunMeta[]): string {
  return renderHtmlReport(analysis, lines, metas);
}

/** The text of an element found by a pattern on its opening tag, markup stripped. */
function textOf(page: string, open: RegExp, tag: string): string {
  const start = page.search(open);
  expect(start, String(open)).toBeGreaterThanOrEqual(0);
  const end = page.indexOf(`</${tag}>`, start);
  return page
    .slice(start, end)
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

describe("'not judged' placeholders of an offline run", () => {
  const placeholders = unjudged(gradeInput([customer(0, "Hi"), bot(1, "Hello")]));
  const lines = makeResultLines({ candidates: ["builtin:faq-bot"], scenarios: 18, seed: 5, judged: false }).map((l) =>
    l.verdict === "error" ? l : { ...l, grades: [...l.grades, ...placeholders] },
  );
  const graded = lines.filter((l) => l.verdict !== "error").length;
  const meta = makeRunMeta(lines, { judge: null });
  const analysis = analyze(lines, [meta], { bootstrapResamples: 100 });
  const page = render(analysis, lines, [meta]);
  const md = renderMarkdown(analysis);

  it("are no LLM-judge scores or criteria in the HTML, but counted as not judged", () => {
    expect(placeholders.every((g: Grade) => g.kind === "judge")).toBe(true);
    expect(page).not.toMatch(/data-criterion="(rubric|forbidden)" data-kind="judge"/);
    expect(page).not.toMatch(/class="dist" data-criterion="(rubric|forbidden)"/);
    const row = textOf(page, /<tr data-criterion="rubric" data-kind="not_judged"/, "tr");
    expect(row).toContain("not judged (no --judge)");
    expect(row).toContain(`${graded} not judged in ${graded} conversations`);
    // The judge-kind badge appears nowhere in the criteria or distributions of this run.
    expect(page).not.toContain('<span class="tag kind-judge" title="LLM judge">LLM judge</span>');
  });

  it("leave the heuristic warning in place and say what was not judged, in summary.md too", () => {
    expect(analysis.warnings.join("\n")).toMatch(/scored by the offline heuristic, not by a judge model/);
    expect(md).toContain("scored by the offline heuristic, not by a judge model");
    expect(md).toContain("Not judged (no `--judge`)");
    expect(md).toContain(`\`forbidden\` ${graded} in ${graded} trials, \`rubric\` ${graded} in ${graded} trials`);
  });
});

/** A 60-scenario run of one bot, analysed, and its automation plan. */
function planned() {
  const lines = makeResultLines({ candidates: ["bot"], scenarios: 60, seed: 8 });
  const meta = makeRunMeta(lines);
  const analysis = analyze(lines, [meta], { bootstrapResamples: 100 });
  return { lines, meta, analysis, plan: analysis.scope[0]! };
}

describe("the headline share", () => {
  it("separates contacts the bot resolves from those it hands on to a person", () => {
    const { lines, meta, analysis, plan } = planned();
    // A plan that answers every contact first but resolves three quarters of them.
    const shaped: Analysis = {
      ...analysis,
      scope: [
        {
          ...plan,
          shares: { automate: 1, automate_with_review: 0, keep_human: 0, insufficient_evidence: 0 },
          resolved: 0.75,
        },
      ],
      recommended: plan.candidate,
    };
    const kpi = textOf(render(shaped, lines, [meta]), /<div class="kpi kpi-automate"/, "div>\n");
    expect(kpi).toMatch(/^75% of contacts the bot resolves itself/);
    expect(kpi).toContain("It answers 100% of contacts first (100% on its own, 0% with a person reviewing)");
    expect(kpi).toContain("hands 25% on to a person");
    expect(renderMarkdown(shaped)).toContain(
      "- Resolved by the bot: 75% of contacts; handed on to a person after the bot: 25%",
    );
  });
});

describe("top failures", () => {
  it("count failed trials once, however many of their checks failed", () => {
    const base = makeResultLines({ candidates: ["bot"], scenarios: 6, seed: 2, errorRate: 0 });
    const fact = (i: number): Grade => ({
      criterion: "facts",
      score: 0,
      pass: false,
      hard: true,
      reason: `fact ${i} missing`,
      evidence: [],
      grader: "facts",
      kind: "deterministic",
      version: "1",
    });
    // Two failed trials, with three and two failed facts.
    const lines = base.map((l, i) => ({
      ...l,
      verdict: i < 2 ? ("fail" as const) : ("pass" as const),
      grades: i === 0 ? [fact(1), fact(2), fact(3)] : i === 1 ? [fact(1), fact(2)] : [],
    }));
    const analysis = analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 100 });
    const facts = analysis.candidates[0]!.top_failures.find((f) => f.criterion === "facts")!;
    expect(facts).toMatchObject({ count: 2, grades: 5, scenarios: 2 });
    const md = renderMarkdown(analysis);
    expect(md).toContain("| Criterion | Failed trials | Failed checks | Scenarios | Example |");
    expect(md).toMatch(/\| `facts` \| 2 \| 5 \| 2 \|/);
    expect(render(analysis, lines, [makeRunMeta(lines)])).toContain(
      "failed in 2 conversations (5 failed checks) of 2 scenarios",
    );
  });
});

describe("confidence in labels", () => {
  const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 60, seed: 12 });
  const meta = makeRunMeta(lines);
  const policy = { ...defaultScopePolicy(), confidence: 0.8 };
  const analysis = analyze(lines, [meta], { policy, bootstrapResamples: 100 });

  it("follows the policy's confidence, in summary.md and index.html", () => {
    expect(analysis.settings.confidence).toBe(0.8);
    const md = renderMarkdown(analysis);
    expect(md).toContain("| Candidate | Pass rate (80% CI) |");
    expect(md).toContain("| 80% CI (pts) |");
    expect(md).not.toMatch(/95% CI/);
    const page = render(analysis, lines, [meta]);
    expect(page).toContain('Conversations passed <span class="hint">80% interval</span>');
    expect(page).toContain("Bars show the 80% interval");
    expect(page).toContain("lowest rate at 80% confidence");
    expect(page).toContain("lowest pass rate the evidence supports (80% confidence)");
    expect(page).toMatch(/aria-label="\d+% \(80% interval \d+–\d+%\)"/);
    expect(page).not.toMatch(/95% (interval|confidence|CI)/);
  });
});

describe("intervals", () => {
  it("round the lower bound down and the upper bound up", () => {
    expect(percentRange(0.9973, 1)).toBe("99–100%");
    expect(percentRange(0.846, 0.9951)).toBe("84–100%");
    expect(percentRange(0, 0.0001)).toBe("0–1%");
    expect(percentRange(0.85, 0.95)).toBe("85–95%");
    const lines = makeResultLines({ candidates: ["bot"], scenarios: 30, seed: 3 });
    const analysis = analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 100 });
    const c = analysis.candidates[0]!;
    const shaped: Analysis = {
      ...analysis,
      candidates: [{ ...c, pass: { ...c.pass, sufficient: true, rate: 0.9995, low: 0.9973, high: 1 } }],
    };
    expect(renderMarkdown(shaped)).toContain("**100.0%** (99%–100%)");
  });
});

describe("savings", () => {
  it("say 'extra cost' with the amount, not a double negative", () => {
    const { lines, meta, analysis, plan } = planned();
    const shaped: Analysis = {
      ...analysis,
      scope: [{ ...plan, cost: { ...plan.cost, savings_per_10k: -15_000 } }],
    };
    const page = render(shaped, lines, [meta]);
    expect(page).toMatch(/<div class="kpi-value">\$15,000<\/div><div class="kpi-label">extra cost per 10,000 contacts/);
    expect(page.includes('<div class="kpi-value">−')).toBe(false);
  });
});

describe("cost per resolved contact", () => {
  it("has two distinct labels for the candidate's figure and the plan's", () => {
    const lines = makeResultLines({ candidates: ["bot"], scenarios: 60, seed: 8 });
    const md = renderMarkdown(analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 100 }));
    expect(md).toContain("| Cost / resolved (all trials) |");
    expect(md).toMatch(/- Plan cost per resolved contact, automated cells only: bot /);
    expect(md).not.toContain("- Cost per resolved contact:");
  });
});

describe("paired bootstrap", () => {
  it("does not depend on the order of the lines", () => {
    const a = makeResultLines({ candidates: [{ id: "a", skill: 0.9 }], scenarios: 40, trials: 2, seed: 21 });
    const b = makeResultLines({ candidates: [{ id: "b", skill: 0.7 }], scenarios: 40, trials: 2, seed: 22 });
    const settings = { minScenarios: 5, confidence: 0.95, alpha: 0.05, resamples: 500, seed: 7 };
    const names = { a: "a", b: "b", source: "candidates" as const };
    const forward = comparePaired(a, b, names, settings);
    const shuffled = comparePaired([...a].reverse(), [...b.slice(30), ...b.slice(0, 30)], names, settings);
    expect(forward.sufficient).toBe(true);
    expect(shuffled.bootstrap).toEqual(forward.bootstrap);
    expect(shuffled).toEqual(forward);
  });
});

describe("judge cost", () => {
  const lines = makeResultLines({ candidates: ["bot"], scenarios: 20, seed: 9 });
  const judgedTrials = lines.filter((l) => l.grades.some((g) => g.kind === "judge")).length;
  const meta = makeRunMeta(lines, {
    judge: "openai:gpt-4.1",
    judge_usage: { calls: 23, repairs: 2, failures: 1, input_tokens: 40_000, output_tokens: 6_000, cost_usd: 0.5 },
  });
  const analysis = analyze(lines, [meta], { bootstrapResamples: 100 });

  it("is a table in the HTML cost section, per run", () => {
    expect(judgedTrials).toBeGreaterThan(0);
    const page = render(analysis, lines, [meta]);
    const row = textOf(page, /<tr data-run="synthetic-9"/, "tr");
    const perTrial = 46_000 / judgedTrials;
    expect(row).toBe(
      `synthetic-9 openai:gpt-4.1 ${judgedTrials} 23 2 repairs, 1 failure 40,000 / 6,000 ${Math.round(perTrial).toLocaleString("en-US")} $0.500 ${money(0.5 / judgedTrials)}`,
    );
    expect(page).toContain("<h3>Judge cost</h3>");
    // No run with judge usage: no table.
    const plain = analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 100 });
    expect(render(plain, lines, [makeRunMeta(lines)])).not.toContain("Judge cost");
  });

  it("is a line in summary.md", () => {
    const md = renderMarkdown(analysis);
    expect(md).toContain("**Judge cost.**");
    expect(md).toContain(
      `- synthetic-9 (\`openai:gpt-4.1\`): $0.5000 for ${judgedTrials} judged trials ($${(0.5 / judgedTrials).toFixed(4)} and ${Math.round(46_000 / judgedTrials).toLocaleString("en-US")} tokens per judged trial); 23 calls, 2 repairs, 1 failure; 40,000 tokens in, 6,000 out`,
    );
    expect(renderMarkdown(analyze(lines, [makeRunMeta(lines)]))).not.toContain("Judge cost");
  });

  it("says how many answers came from the call cache", () => {
    const cachedMeta = makeRunMeta(lines, {
      judge: "openai:gpt-4.1",
      judge_usage: {
        calls: 20,
        repairs: 0,
        failures: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        cached_calls: 20,
      },
    });
    const cached = analyze(lines, [cachedMeta], { bootstrapResamples: 100 });
    expect(textOf(render(cached, lines, [cachedMeta]), /<tr data-run="synthetic-9"/, "tr")).toContain(
      "20 20 from the cache 0 / 0",
    );
    expect(renderMarkdown(cached)).toContain("20 calls, 0 repairs, 0 failures, 20 from the cache (paid earlier)");
  });
});
