import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import { formatIssues, readLinesByKey, readRun, readRuns } from "../src/analysis/read-run.js";
import { Analysis } from "../src/analysis/schema.js";
import { slimLine } from "../src/analysis/slim.js";
import { unjudged } from "../src/graders/grade-trial.js";
import type { EscalationOutcome, Grade, Verdict } from "../src/graders/schema.js";
import { type ResultLine, trialKey } from "../src/run/schema.js";
import { bot, customer, gradeInput } from "./helpers/judge-input.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

const template = makeResultLines({ candidates: ["t"], scenarios: 1, trials: 1, seed: 1, errorRate: 0 })[0]!;

interface LineSpec {
  candidate?: string;
  scenario: string;
  trial?: number;
  verdict: Verdict;
  intent?: string;
  language?: string;
  tier?: 1 | 2 | 3;
  escalation?: EscalationOutcome | null;
  grades?: Grade[];
  cost?: number;
  latency?: number;
  volume?: number | null;
  handoff?: boolean;
  errorKind?: "timeout" | "rate_limit";
}

function line(spec: LineSpec): ResultLine {
  const candidate = spec.candidate ?? "bot";
  const trial = spec.trial ?? 0;
  const out: ResultLine = {
    ...structuredClone(template),
    key: trialKey("s", spec.scenario, candidate, trial),
    run: "r1",
    suite: "s",
    scenario: spec.scenario,
    candidate,
    trial,
    verdict: spec.verdict,
    intent: spec.intent ?? "refund.status",
    language: spec.language ?? "en",
    tier: spec.tier ?? 1,
    volume: spec.volume === undefined ? null : spec.volume,
    escalation: spec.escalation === undefined ? "correct_no_handoff" : spec.escalation,
    grades: spec.grades ?? [],
    usage: { input_tokens: 10, output_tokens: 5, cost_usd: spec.cost ?? 0.01, calls: 1, cached_calls: 0 },
    latency_ms: spec.latency ?? 1000,
    end_reason: spec.handoff ? "handoff" : "bot_closed",
    transcript: template.transcript.filter((e) => e.type !== "handoff"),
  };
  if (spec.errorKind) out.error = { kind: spec.errorKind, message: "boom" };
  return out;
}

function grade(criterion: string, pass: boolean | null, extra: Partial<Grade> = {}): Grade {
  return {
    criterion,
    score: pass ? 1 : 0,
    pass,
    hard: true,
    reason: `${criterion} ${pass ? "ok" : "failed"}`,
    evidence: [],
    grader: criterion,
    kind: "deterministic",
    version: "1",
    ...extra,
  };
}

/** n scenarios of which the first `passes` pass, each with one trial. */
function scenarios(n: number, passes: number, extra: Partial<LineSpec> = {}): ResultLine[] {
  return Array.from({ length: n }, (_, i) =>
    line({
      scenario: `${extra.intent ?? "x"}-${extra.language ?? "en"}-${i}`,
      verdict: i < passes ? "pass" : "fail",
      ...extra,
    }),
  );
}

describe("analyze", () => {
  it("produces a valid Analysis whose counts match the lines", () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 45, trials: 3, seed: 11 });
    const a = analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 300 });
    expect(Analysis.safeParse(a).success).toBe(true);
    for (const c of a.candidates) {
      const own = lines.filter((l) => l.candidate === c.candidate);
      expect(c.trials).toBe(own.length);
      expect(c.pass.passes).toBe(own.filter((l) => l.verdict === "pass").length);
      expect(c.pass.n).toBe(own.filter((l) => l.verdict !== "error").length);
      expect(c.errors.total).toBe(own.filter((l) => l.verdict === "error").length);
      expect(c.cost.total_usd).toBeCloseTo(
        own.reduce((t, l) => t + l.usage.cost_usd, 0),
        9,
      );
      const byIntent = c.by_intent.reduce((t, g) => t + g.pass.n, 0);
      expect(byIntent).toBe(c.pass.n);
      const inCells = c.cells.reduce((t, cell) => t + cell.trials, 0);
      expect(inCells).toBe(c.trials);
      expect(c.pass_k.map((p) => p.k)).toEqual([1, 2, 3]);
      // pass^1 is the mean per-scenario pass rate; pass^k never rises with k.
      expect(c.pass_k[1]!.value!).toBeLessThanOrEqual(c.pass_k[0]!.value!);
      expect(c.pass_k[2]!.value!).toBeLessThanOrEqual(c.pass_k[1]!.value!);
    }
    expect(a.totals).toMatchObject({ lines: lines.length, candidates: 2, scenarios: 45 });
    expect(a.comparisons).toHaveLength(1);
    expect(a.scope).toHaveLength(2);
  });

  it("keeps the last line of a repeated key", () => {
    const first = line({ scenario: "a", verdict: "fail" });
    const again = line({ scenario: "a", verdict: "pass" });
    const a = analyze([first, ...scenarios(5, 5, { intent: "y" }), again], [], { minScenarios: 1 });
    expect(a.candidates[0]!.pass.passes).toBe(6);
    expect(a.candidates[0]!.pass.n).toBe(6);
    expect(a.warnings.join(" ")).toMatch(/1 repeated trial/);
  });

  it("states no rate for a cell with too few scenarios", () => {
    const lines = [...scenarios(6, 6, { intent: "big" }), ...scenarios(3, 3, { intent: "small" })];
    const c = analyze(lines, [], { minScenarios: 5 }).candidates[0]!;
    const big = c.by_intent.find((g) => g.key === "big")!;
    const small = c.by_intent.find((g) => g.key === "small")!;
    expect(big.pass.sufficient).toBe(true);
    expect(big.pass.rate).toBe(1);
    expect(small.pass).toMatchObject({
      passes: 3,
      n: 3,
      scenarios: 3,
      rate: null,
      low: null,
      high: null,
      sufficient: false,
    });
    const cell = c.cells.find((x) => x.intent === "small")!;
    expect(cell.pass.rate).toBeNull();
  });

  it("pools cells by intent and by language, each level counting every line once", () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 60, trials: 2, seed: 13 });
    const c = analyze(lines, []).candidates[0]!;
    const graded = lines.filter((l) => l.verdict !== "error");
    for (const level of ["intent_tier", "intent", "language_tier", "language"] as const) {
      const pools = c.pools.filter((p) => p.level === level);
      expect(pools.reduce((t, p) => t + p.trials, 0)).toBe(lines.length);
      expect(pools.reduce((t, p) => t + p.pass.passes, 0)).toBe(graded.filter((l) => l.verdict === "pass").length);
      expect(pools.reduce((t, p) => t + p.escalation.counts.missed, 0)).toBe(c.escalation.counts.missed);
    }
    const de = c.pools.find((p) => p.level === "language" && p.language === "de")!;
    const deLines = lines.filter((l) => l.language === "de");
    expect(de).toMatchObject({ intent: null, tier: null, trials: deLines.length });
    expect(de.scenarios).toBe(new Set(deLines.map((l) => l.scenario)).size);
    expect(de.cells).toBe(c.cells.filter((x) => x.language === "de").length);
    const refund = c.pools.find((p) => p.level === "intent_tier" && p.intent === "refund.status")!;
    expect(refund.tier).toBe(1);
    expect(refund.language).toBeNull();
    expect(refund.pass.passes).toBe(
      c.cells.filter((x) => x.intent === "refund.status").reduce((t, x) => t + x.pass.passes, 0),
    );
  });

  it("widens intervals for repeated trials of the same scenarios", () => {
    // 10 scenarios × 3 identical trials against 30 independent scenarios with the same rate.
    const repeated = Array.from({ length: 30 }, (_, i) =>
      line({ scenario: `r${i % 10}`, trial: Math.floor(i / 10), verdict: i % 10 < 8 ? "pass" : "fail" }),
    );
    const independent = scenarios(30, 24);
    const r = analyze(repeated, []).candidates[0]!.pass;
    const ind = analyze(independent, []).candidates[0]!.pass;
    expect(r.rate).toBeCloseTo(0.8, 12);
    expect(ind.rate).toBeCloseTo(0.8, 12);
    expect(ind.effective_n).toBe(30);
    expect(r.effective_n!).toBeLessThan(12);
    expect(r.low!).toBeLessThan(ind.low!);
  });

  it("adds no evidence for repeated trials when every trial passes or every trial fails", () => {
    // The same deterministic bot with 1 and 3 trials: 21/21 and 63/63 must give the same interval.
    const once = scenarios(21, 21);
    const thrice = [0, 1, 2].flatMap((trial) =>
      Array.from({ length: 21 }, (_, i) => line({ scenario: `x-en-${i}`, trial, verdict: "pass" })),
    );
    const a = analyze(once, []).candidates[0]!.pass;
    const b = analyze(thrice, []).candidates[0]!.pass;
    expect(b).toMatchObject({ passes: 63, n: 63, scenarios: 21, effective_n: 21, rate: 1 });
    expect(a.effective_n).toBe(21);
    expect(b.low).toBeCloseTo(a.low!, 12);
    expect(b.low!).toBeLessThan(0.85);
    // And 0/12 against 0/36: the upper bound stays where one trial each put it.
    const none1 = scenarios(12, 0);
    const none3 = [0, 1, 2].flatMap((trial) =>
      Array.from({ length: 12 }, (_, i) => line({ scenario: `x-en-${i}`, trial, verdict: "fail" })),
    );
    const c = analyze(none1, []).candidates[0]!.pass;
    const d = analyze(none3, []).candidates[0]!.pass;
    expect(d.effective_n).toBe(12);
    expect(d.high).toBeCloseTo(c.high!, 12);
    expect(d.high!).toBeGreaterThan(0.2);
    // The planner reads the same bound: the pool of 63 trials of 21 scenarios automates nothing more.
    const cell = analyze(thrice, []).candidates[0]!.cells[0]!;
    expect(cell.pass.effective_n).toBe(21);
  });

  it("leaves errors out of pass rates and counts them by kind", () => {
    const lines = [
      ...scenarios(5, 4),
      line({ scenario: "e1", verdict: "error", errorKind: "timeout", escalation: null }),
      line({ scenario: "e2", verdict: "error", errorKind: "timeout", escalation: null }),
      line({ scenario: "e3", verdict: "error", errorKind: "rate_limit", escalation: null }),
    ];
    const c = analyze(lines, []).candidates[0]!;
    expect(c.pass).toMatchObject({ passes: 4, n: 5 });
    expect(c.errors).toEqual({ total: 3, rate: 3 / 8, by_kind: { timeout: 2, rate_limit: 1 } });
    expect(analyze(lines, []).warnings.join(" ")).toMatch(/errors/);
  });

  it("builds the escalation confusion matrix with rates", () => {
    const outcomes: EscalationOutcome[] = [
      "correct_handoff",
      "correct_handoff",
      "correct_handoff",
      "missed",
      "late",
      "correct_no_handoff",
      "correct_no_handoff",
      "correct_no_handoff",
      "needless",
    ];
    const lines = outcomes.map((o, i) =>
      line({ scenario: `s${i}`, verdict: o.startsWith("correct") ? "pass" : "fail", escalation: o }),
    );
    lines.push(line({ scenario: "u", verdict: "pass", escalation: null }));
    const e = analyze(lines, []).candidates[0]!.escalation;
    expect(e.counts).toEqual({
      correct_handoff: 3,
      correct_no_handoff: 3,
      missed: 1,
      needless: 1,
      late: 1,
      unknown: 1,
    });
    expect(e.required).toBe(5);
    expect(e.not_required).toBe(4);
    expect(e.missed_rate.rate).toBeCloseTo(1 / 5, 12);
    expect(e.late_rate.rate).toBeCloseTo(1 / 5, 12);
    expect(e.needless_rate.rate).toBeCloseTo(1 / 4, 12);
    expect(e.missed_per_contact.rate).toBeCloseTo(1 / 9, 12);
    expect(e.missed_rate.low!).toBeLessThan(0.2);
    expect(e.missed_rate.high!).toBeGreaterThan(0.2);
  });

  it("computes pass^k per scenario from all its trials", () => {
    const lines = [
      ...[true, true, false].map((p, t) => line({ scenario: "a", trial: t, verdict: p ? "pass" : "fail" })),
      ...[true, true, true].map((p, t) => line({ scenario: "b", trial: t, verdict: p ? "pass" : "fail" })),
    ];
    const c = analyze(lines, [], { minScenarios: 1 }).candidates[0]!;
    expect(c.pass_k[0]!.value).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(c.pass_k[1]!.value).toBeCloseTo((1 / 3 + 1) / 2, 12);
    expect(c.pass_k[2]!.value).toBeCloseTo((0 + 1) / 2, 12);
    expect(c.scenario_pass).toMatchObject({ passes: 1, n: 2 });
  });

  it("prices conversations and resolved ones, and reads latency percentiles", () => {
    const lines = [
      line({ scenario: "a", verdict: "pass", cost: 0.02, latency: 1000 }),
      line({ scenario: "b", verdict: "pass", cost: 0.02, latency: 2000, handoff: true, escalation: "correct_handoff" }),
      line({ scenario: "c", verdict: "fail", cost: 0.02, latency: 3000 }),
      line({ scenario: "d", verdict: "pass", cost: 0.02, latency: 4000 }),
    ];
    const c = analyze(lines, [], { minScenarios: 1 }).candidates[0]!;
    expect(c.cost.per_conversation).toBeCloseTo(0.02, 12);
    // The hand-off passed but a person resolved it: two of four resolved by the bot.
    expect(c.cost.resolved).toBe(2);
    expect(c.cost.per_resolved).toBeCloseTo(0.04, 12);
    expect(c.latency.conversation_ms.p50).toBe(2500);
    expect(c.latency.conversation_ms.p95).toBeCloseTo(3850, 9);
  });

  it("keeps heuristic and judged scores apart and warns when only the heuristic ran", () => {
    const heur = (score: number) =>
      grade("empathy", null, { kind: "heuristic", score, scale: [1, 5], hard: false, grader: "heuristic:empathy" });
    const lines = [1, 2, 3, 4, 5, 5].map((s, i) => line({ scenario: `h${i}`, verdict: "pass", grades: [heur(s)] }));
    const a = analyze(lines, []);
    const d = a.candidates[0]!.scores.find((x) => x.criterion === "empathy")!;
    expect(d.kind).toBe("heuristic");
    expect(d.mean).toBeCloseTo(20 / 6, 12);
    expect(d.histogram.map((b) => b.count)).toEqual([1, 1, 1, 1, 2]);
    expect(a.candidates[0]!.cells[0]!.empathy_kind).toBe("heuristic");
    expect(a.warnings.join(" ")).toMatch(/heuristic/);
    const judged = lines.map((l, i) => ({
      ...l,
      grades: [...l.grades, grade("empathy", true, { kind: "judge", score: 4, scale: [1, 5] as [number, number] })],
      key: `${l.key}-j${i}`,
    }));
    const b = analyze(judged, []);
    expect(b.candidates[0]!.scores.map((x) => x.kind)).toEqual(["heuristic", "judge"].sort());
    expect(b.candidates[0]!.cells[0]!.empathy).toBe(4);
    expect(b.candidates[0]!.cells[0]!.empathy_kind).toBe("judge");
  });

  it("counts 'not judged' placeholders as neither scores nor judge evidence", () => {
    // What an offline run records for a rubric line and a plain-text forbidden entry without --judge.
    const placeholders = unjudged(gradeInput([customer(0, "Hi"), bot(1, "Hello")]));
    expect(placeholders.map((g) => [g.criterion, g.kind, g.score])).toEqual([
      ["rubric", "judge", 0],
      ["forbidden", "judge", 0],
    ]);
    const heur = grade("empathy", null, {
      kind: "heuristic",
      score: 2,
      scale: [1, 5],
      hard: false,
      grader: "heuristic:empathy",
    });
    const lines = Array.from({ length: 6 }, (_, i) =>
      line({ scenario: `u${i}`, verdict: "pass", grades: [grade("facts", true), heur, ...placeholders] }),
    );
    const meta = {
      ...makeRunMeta(lines),
      judge: null,
      judge_usage: { calls: 0, repairs: 0, failures: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 },
    };
    for (const input of [lines, lines.map(slimLine)]) {
      const a = analyze(input, [meta]);
      const c = a.candidates[0]!;
      expect(c.scores.map((d) => `${d.criterion}/${d.kind}`)).toEqual(["empathy/heuristic"]);
      expect(c.criteria.some((x) => x.kind === "judge")).toBe(false);
      expect(c.not_judged).toEqual([
        { criterion: "forbidden", grades: 6, trials: 6 },
        { criterion: "rubric", grades: 6, trials: 6 },
      ]);
      expect(a.warnings.join(" ")).toMatch(/scored by the offline heuristic, not by a judge model/);
      expect(a.warnings.join(" ")).toMatch(/12 judged checks \(forbidden 6, rubric 6\) were not judged/);
      expect(a.runs[0]!.judge_usage?.judged_trials).toBe(0);
      expect(c.cells[0]!.empathy_kind).toBe("heuristic");
    }
    // A real judge grade of the same criterion is a judge grade.
    const judgedLines = lines.map((l) => ({
      ...l,
      grades: [grade("rubric", true, { kind: "judge", grader: "judge:m", version: "2", hard: false })],
    }));
    const j = analyze(judgedLines, [meta]);
    expect(j.candidates[0]!.not_judged).toEqual([]);
    expect(j.candidates[0]!.criteria.find((x) => x.criterion === "rubric")?.kind).toBe("judge");
    expect(j.runs[0]!.judge_usage?.judged_trials).toBe(6);
  });

  it("summarises criteria and lists top failures with examples", () => {
    const lines = Array.from({ length: 6 }, (_, i) =>
      line({
        scenario: `f${i}`,
        verdict: i < 4 ? "fail" : "pass",
        grades: [grade("facts", i >= 2), grade("escalation", i >= 4 || i < 2), grade("tone", i !== 5, { hard: false })],
      }),
    );
    const c = analyze(lines, [], { minScenarios: 1 }).candidates[0]!;
    const facts = c.criteria.find((x) => x.criterion === "facts")!;
    expect(facts).toMatchObject({ graded: 6, passed: 4, failed: 2, hard: true });
    // tone failed only in a passing trial: failures list only criteria of failed trials.
    expect(c.top_failures.map((f) => [f.criterion, f.count])).toEqual([
      ["escalation", 2],
      ["facts", 2],
    ]);
    expect(c.top_failures[0]!.examples[0]!.reason).toBe("escalation failed");
  });

  it("finds a real difference between candidates and none between identical ones", () => {
    const strong = makeResultLines({ candidates: [{ id: "strong", skill: 0.98 }], scenarios: 120, seed: 3 });
    const weak = makeResultLines({ candidates: [{ id: "weak", skill: 0.6 }], scenarios: 120, seed: 4 });
    const twin = strong.map((l) => ({ ...l, candidate: "twin", key: l.key.replace("/strong#", "/twin#") }));
    const a = analyze([...strong, ...weak, ...twin], [], { bootstrapResamples: 500 });
    const sw = a.comparisons.find((c) => c.a === "strong" && c.b === "weak")!;
    expect(sw.significant).toBe(true);
    expect(sw.better).toBe("strong");
    expect(sw.diff!).toBeLessThan(0);
    expect(sw.bootstrap.high!).toBeLessThan(0);
    expect(sw.a_only + sw.b_only + sw.both_pass + sw.neither).toBe(sw.pairs);
    const st = a.comparisons.find((c) => c.a === "strong" && c.b === "twin")!;
    expect(st).toMatchObject({ diff: 0, a_only: 0, b_only: 0, mcnemar_p: 1, significant: false, better: null });
  });

  it("compares each candidate with its baseline counterpart on shared scenarios", () => {
    const now = makeResultLines({
      candidates: [{ id: "bot", skill: 0.6 }],
      scenarios: 150,
      seed: 8,
      run: "now",
      errorRate: 0,
    });
    const before = makeResultLines({
      candidates: [{ id: "bot", skill: 0.98 }],
      scenarios: 150,
      seed: 9,
      run: "before",
      errorRate: 0,
    });
    const a = analyze(now, [makeRunMeta(now)], {
      baseline: { lines: before, metas: [makeRunMeta(before)] },
      bootstrapResamples: 500,
    });
    expect(a.baseline).toHaveLength(1);
    expect(a.baseline[0]).toMatchObject({ a: "bot", b: "bot", source: "baseline", shared_scenarios: 150 });
    expect(a.baseline[0]!.significant).toBe(true);
    expect(a.baseline[0]!.diff!).toBeLessThan(0);
    expect(a.baseline_runs.map((r) => r.run)).toEqual(["before"]);
    // A differently named single baseline candidate is still paired.
    const renamed = before.map((l) => ({ ...l, candidate: "old", key: l.key.replace("/bot#", "/old#") }));
    const b = analyze(now, [], { baseline: { lines: renamed, metas: [] }, bootstrapResamples: 100 });
    expect(b.baseline[0]).toMatchObject({ a: "old", b: "bot" });
  });

  it("marks a comparison on too few shared scenarios as insufficient", () => {
    const lines = [...scenarios(3, 3, { candidate: "a" }), ...scenarios(3, 0, { candidate: "b" })];
    const c = analyze(lines, []).comparisons[0]!;
    expect(c).toMatchObject({ sufficient: false, significant: false, diff: null, shared_scenarios: 3, a_only: 3 });
  });

  it("warns about incomplete runs and lines without run.json", () => {
    const lines = scenarios(5, 5);
    const meta = { ...makeRunMeta(lines), run: "r1", status: "interrupted" as const };
    const other = { ...line({ scenario: "z", verdict: "pass" }), run: "r2", key: "other" };
    const a = analyze([...lines, other], [meta]);
    expect(a.warnings.join(" ")).toMatch(/r1 is interrupted/);
    expect(a.warnings.join(" ")).toMatch(/r2 have no run.json/);
  });

  it("is deterministic for a given seed", () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 30, seed: 2 });
    const one = analyze(lines, [], { seed: 9, bootstrapResamples: 200 });
    const two = analyze(lines, [], { seed: 9, bootstrapResamples: 200 });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
  });
});

describe("readRun", () => {
  async function runDir(lines: readonly ResultLine[], extra = ""): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "sb-read-"));
    await writeFile(join(dir, "results.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n" + extra);
    await writeFile(join(dir, "run.json"), JSON.stringify(makeRunMeta([...lines])));
    return dir;
  }

  it("reads and validates lines and run.json, keeping the last of a repeated key", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 20, seed: 4 });
    const resumed = { ...lines[3]!, verdict: "pass" as const };
    const dir = await runDir([...lines, resumed]);
    const r = await readRun(dir);
    expect(r.issues).toEqual([]);
    expect(r.lines).toHaveLength(20);
    expect(r.dropped).toBe(1);
    expect(r.lines.find((l) => l.key === resumed.key)!.verdict).toBe("pass");
    expect(r.metas[0]!.run).toBe(lines[0]!.run);
  });

  it("names the file and line of a bad line", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 3, seed: 4 });
    const broken = { ...lines[1]!, tier: 7 };
    const dir = await runDir([lines[0]!, broken as ResultLine, lines[2]!]);
    const r = await readRun(dir);
    const errors = r.issues.filter((i) => i.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(2);
    expect(errors[0]!.file).toBe(join(dir, "results.jsonl"));
    expect(errors[0]!.message).toMatch(/tier/);
    expect(formatIssues(errors)).toContain(`${join(dir, "results.jsonl")}:2: not a result line`);
  });

  it("treats a torn last line as a warning and invalid JSON elsewhere as an error", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 3, seed: 4 });
    const torn = await runDir(lines, '{"v":1,"run":"x","ke');
    const r = await readRun(torn);
    expect(r.lines).toHaveLength(3);
    expect(r.issues).toEqual([expect.objectContaining({ severity: "warning", line: 4 })]);
    const bad = await runDir(lines, "{oops}\n");
    expect((await readRun(bad)).issues[0]).toMatchObject({ severity: "error", line: 4 });
  });

  it("reports a missing results file as an error and a missing run.json as a warning", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-empty-"));
    const r = await readRun(dir);
    expect(r.issues.map((i) => i.severity)).toEqual(["error", "warning"]);
  });

  it("merges several runs with the later run winning on the same key", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 10, seed: 4 });
    const one = await runDir(lines.slice(0, 6));
    const two = await runDir(lines.slice(4).map((l) => ({ ...l, verdict: "error" as const })));
    const r = await readRuns([one, two]);
    expect(r.lines).toHaveLength(10);
    expect(r.dropped).toBe(2);
    expect(r.lines.filter((l) => l.verdict === "error").length).toBe(6);
    expect(r.metas).toHaveLength(2);
  });

  it("reads slim lines, then the whole lines of chosen keys with the same later-wins rule", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 10, seed: 4 });
    const one = await runDir(lines.slice(0, 6));
    const two = await runDir(lines.slice(4).map((l) => ({ ...l, verdict: "error" as const })));
    const slim = await readRuns([one, two], { slim: true });
    const whole = await readRuns([one, two]);
    expect(slim.lines.map((l) => [l.key, l.verdict])).toEqual(whole.lines.map((l) => [l.key, l.verdict]));
    for (const l of slim.lines) {
      expect(l.world_diff).toEqual([]);
      expect(l.transcript.every((e) => !("text" in e) || e.text === "")).toBe(true);
      for (const g of l.grades) {
        expect(g.detail).toBeUndefined();
        if (g.pass !== false && g.error === undefined) expect([g.reason, g.evidence]).toEqual(["", []]);
      }
    }
    const keys = new Set([lines[0]!.key, lines[5]!.key, "no-such-key"]);
    const found = await readLinesByKey([one, two], keys);
    expect([...found.keys()].sort()).toEqual([lines[0]!.key, lines[5]!.key].sort());
    expect(found.get(lines[5]!.key)).toEqual(whole.lines.find((l) => l.key === lines[5]!.key));
    expect(found.get(lines[5]!.key)!.verdict).toBe("error");
  });

  it("streams a large file line by line", async () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 1000, trials: 2, seed: 5 });
    const dir = await runDir(lines);
    const r = await readRun(dir);
    expect(r.issues).toEqual([]);
    expect(r.lines).toHaveLength(4000);
  });
});
