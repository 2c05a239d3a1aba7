import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type HALVES, heuristicFigures, splitHalves } from "../bench/empathy-heuristic.js";
import { gradeEscalation } from "../src/graders/deterministic/escalation.js";
import { heuristicEmpathy, loadEmpathyLexicon } from "../src/graders/empathy-heuristic.js";
import {
  binaryAgreement,
  calibrate,
  calibrationInput,
  combineGraders,
  formatCalibrationReport,
  ordinalAgreement,
} from "../src/graders/judge/calibrate.js";
import {
  loadCalibrationSet,
  parseCalibrationJsonl,
  parseCalibrationYaml,
} from "../src/graders/judge/calibration-loader.js";
import type { CalibrationItem } from "../src/graders/judge/calibration-schema.js";
import type { Grade } from "../src/graders/schema.js";
import type { Grader } from "../src/graders/types.js";
import { formatProblem } from "../src/suite/problems.js";

const DIR = join(import.meta.dirname, "..", "datasets", "calibration");

/** The ten hand-written examples (the folder also holds the full calibration set). */
async function examples(): Promise<CalibrationItem[]> {
  const { items, problems } = parseCalibrationJsonl(
    await readFile(join(DIR, "examples.jsonl"), "utf8"),
    "examples.jsonl",
  );
  expect(problems.map(formatProblem)).toEqual([]);
  return items;
}

function judged(criterion: string, score: number, extra: Partial<Grade> = {}): Grade {
  return {
    criterion,
    score,
    scale: [1, 5],
    pass: score >= 3,
    hard: false,
    reason: "test",
    evidence: [],
    grader: "test-grader",
    kind: "judge",
    version: "1",
    ...extra,
  };
}

/** A grader that answers from a table keyed by scenario id (the calibration item id). */
function tableGrader(table: Map<string, Grade[]>): Grader {
  return (input) => table.get(input.scenario.id) ?? [];
}

describe("agreement figures", () => {
  it("gives quadratic-weighted kappa for known cases", () => {
    expect(ordinalAgreement([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).kappa).toBe(1);
    // Worked by hand: observed weighted disagreement 1/16, expected 5/16, so kappa = 1 - 1/5.
    expect(ordinalAgreement([1, 2, 3], [1, 3, 3]).kappa).toBeCloseTo(0.8, 10);
    // Complete reversal at the ends of the scale.
    expect(ordinalAgreement([1, 5], [5, 1]).kappa).toBeCloseTo(-1, 10);
    // One rating used by both raters everywhere: chance agreement is total, kappa undefined.
    expect(ordinalAgreement([3, 3, 3], [3, 3, 3]).kappa).toBeNull();
  });

  it("gives Cohen's kappa for yes/no labels", () => {
    // po = 3/4, pe = 1/2 · 1/4 + 1/2 · 3/4 = 1/2, kappa = (3/4 − 1/2) / (1 − 1/2) = 1/2.
    const s = binaryAgreement([true, true, false, false], [true, false, false, false]);
    expect(s.kappa).toBeCloseTo(0.5, 10);
    expect(s.exact).toBe(0.75);
    expect(s.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
  });

  it("counts exact and within-one agreement, bias and the confusion matrix", () => {
    const s = ordinalAgreement([1, 2, 3, 4], [1, 3, 5, 4]);
    expect(s.exact).toBe(0.5);
    expect(s.within_one).toBe(0.75);
    expect(s.bias).toBe(0.75);
    expect(s.confusion[1]).toEqual([0, 0, 1, 0, 0]);
    expect(s.confusion[2]).toEqual([0, 0, 0, 0, 1]);
  });
});

describe("the labelled-transcript format", () => {
  it("loads the ten examples, covering en, de and fr", async () => {
    const items = await examples();
    expect(items).toHaveLength(10);
    const langs = new Set(items.map((i) => i.context.language.split("-")[0]));
    expect([...langs].sort()).toEqual(["de", "en", "fr"]);
    expect(new Set(items.map((i) => i.labels.escalation_correct))).toEqual(new Set([true, false]));
  });

  it("turns the short transcript form into engine-numbered events", async () => {
    const items = await examples();
    const input = calibrationInput(items.find((i) => i.id === "cal-en-refund-good")!);
    expect(input.conversation.transcript.map((e) => `${e.type}:${e.turn}`)).toEqual([
      "customer:0",
      "bot:1",
      "customer:1",
      "tool:2",
      "tool:2",
      "bot:2",
      "customer:2",
    ]);
    expect(input.domain.policy).toMatch(/^Refunds \(section 3\)/);
    expect(input.scenario).toMatchObject({ language: "en-GB", intent: "refund.status", tier: 1 });
    expect(input.scenario.expect.escalate).toBe(false);
    const grief = calibrationInput(items.find((i) => i.id === "cal-en-bereavement-good")!);
    expect(grief.conversation.transcript.at(-1)).toMatchObject({ type: "handoff", turn: 1, detected_by: "tool" });
  });

  it("agrees with the deterministic escalation grader on every example", async () => {
    const items = await examples();
    const report = await calibrate({ grader: gradeEscalation, transcripts: items });
    const esc = report.criteria.find((c) => c.label === "escalation_correct")!;
    expect(esc.overall.n).toBe(10);
    expect(esc.overall.exact).toBe(1);
    expect(esc.overall.kappa).toBe(1);
  });

  it("reports problems with file and line", () => {
    const good =
      '{"id":"x-1","context":{"language":"en","intent":"refund.status","tier":1,"policy_excerpt":"p","expected_escalation":false},"transcript":[{"customer":"hi"},{"bot":"hello"}],"labels":{"accuracy":3,"empathy":3,"escalation_correct":true}}';
    const text = [
      "// a comment",
      good,
      '{"id": "x-2", oops}',
      good.replace('"accuracy":3', '"accuracy":7').replace("x-1", "x-3"),
      good.replace('{"bot":"hello"}', '{"agent":"hello"}').replace("x-1", "x-4"),
    ].join("\n");
    const { items, problems } = parseCalibrationJsonl(text, "cal.jsonl");
    expect(items.map((i) => i.id)).toEqual(["x-1"]);
    const lines = problems.map(formatProblem);
    expect(lines.some((l) => /^cal\.jsonl:3:\d+: not valid JSON/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("cal.jsonl:4:1: labels.accuracy: ratings are 1–5"))).toBe(true);
    expect(lines.some((l) => l.startsWith("cal.jsonl:5:1: transcript[1]"))).toBe(true);
  });

  it("accepts the same items as YAML, with positions", () => {
    const yaml = [
      "- id: y-1",
      "  context: { language: de, intent: refund.status, tier: 1, policy_excerpt: p, expected_escalation: false }",
      "  transcript:",
      "    - customer: Hallo",
      "    - bot: Guten Tag",
      "  labels: { accuracy: 4, empathy: 3, escalation_correct: true }",
      "- id: y-2",
      "  context: { language: de, intent: refund.status, tier: 4, policy_excerpt: p, expected_escalation: false }",
      "  transcript: [{ customer: Hallo }]",
      "  labels: { accuracy: 4, empathy: 3, escalation_correct: true }",
    ].join("\n");
    const { items, lines, problems } = parseCalibrationYaml(yaml, "cal.yaml");
    expect(items.map((i) => i.id)).toEqual(["y-1"]);
    expect(lines).toEqual([1]);
    expect(problems.map(formatProblem).join("\n")).toMatch(/^cal\.yaml:8:\d+: \[1\]\.context\.tier: tier must be 1/);
  });
});

describe("calibrate", () => {
  it("finds perfect agreement for a grader that repeats the labels", async () => {
    const items = await examples();
    const table = new Map(
      items.map((i) => [
        i.id,
        [
          judged("accuracy", i.labels.accuracy),
          judged("empathy", i.labels.empathy),
          judged("tone", i.labels.tone ?? 3),
        ],
      ]),
    );
    const report = await calibrate({ grader: tableGrader(table), transcripts: items });
    const accuracy = report.criteria.find((c) => c.label === "accuracy")!;
    expect(accuracy.overall).toMatchObject({ n: 10, kappa: 1, exact: 1, within_one: 1, bias: 0 });
    expect(Object.keys(accuracy.by_language)).toEqual(["de", "en", "fr"]);
    expect(accuracy.by_language.en!.n).toBe(4);
    expect(report.criteria.find((c) => c.label === "escalation_correct")!.missing).toBe(10);
    expect(report.grader).toBe("test-grader");
  });

  it("measures a lenient grader: within one point, positive bias, kappa below 1", async () => {
    const items = await examples();
    const table = new Map(
      items.map((i) => [
        i.id,
        [judged("accuracy", Math.min(5, i.labels.accuracy + 1)), judged("empathy", i.labels.empathy)],
      ]),
    );
    const report = await calibrate({ grader: tableGrader(table), transcripts: items });
    const a = report.criteria.find((c) => c.label === "accuracy")!.overall;
    expect(a.exact).toBeLessThan(1);
    expect(a.within_one).toBe(1);
    expect(a.bias).toBeGreaterThan(0);
    expect(a.kappa).toBeLessThan(1);
    expect(a.kappa).toBeGreaterThan(0.5);
    const human = items.map((i) => i.labels.accuracy);
    const grader = human.map((h) => Math.min(5, h + 1));
    expect(a.kappa).toBeCloseTo(ordinalAgreement(human, grader).kappa!, 12);
  });

  it("rounds panel means, keeps grader errors out of the figures and reports them", async () => {
    const items = await examples();
    const table = new Map(
      items.map((i, n) => [
        i.id,
        n === 0
          ? [judged("accuracy", 0, { pass: null, error: "judge gave an invalid answer twice" })]
          : [judged("accuracy", i.labels.accuracy + 0.4)],
      ]),
    );
    const report = await calibrate({ grader: tableGrader(table), transcripts: items });
    const a = report.criteria.find((c) => c.label === "accuracy")!;
    expect(a.overall.n).toBe(9);
    expect(a.overall.exact).toBe(1);
    expect(report.errors).toEqual([
      { id: items[0]!.id, label: "accuracy", message: "judge gave an invalid answer twice" },
    ]);
    expect(formatCalibrationReport(report)).toMatch(/1 grader errors/);
  });

  it("calibrates the offline heuristic and a combined grader, and prints a table", async () => {
    const items = await examples();
    const report = await calibrate({ grader: combineGraders(heuristicEmpathy, gradeEscalation), transcripts: items });
    const empathy = report.criteria.find((c) => c.label === "empathy")!;
    expect(empathy.overall.n).toBe(10);
    expect(report.kind).toBe("heuristic+deterministic");
    const text = formatCalibrationReport(report);
    expect(text).toMatch(/^Calibration of heuristic:empathy/);
    expect(text).toMatch(/empathy\s+10\s+-?\d\.\d\d/);
    expect(text).toMatch(/escalation_correct \(escalation\)\s+10\s+1\.00\s+almost perfect/);
    expect(text).toContain("rows human, columns grader");
  });
});

describe("the offline empathy heuristic on the whole labelled set", () => {
  it("splits the set into a tuning and a held-out half: deterministic, every language in both, labels spread alike", async () => {
    const { items, problems } = await loadCalibrationSet(DIR);
    expect(problems).toEqual([]);
    const half = splitHalves(items);
    expect(half.size).toBe(items.length);
    // The same split whatever order the items come in.
    expect(splitHalves([...items].reverse())).toEqual(half);
    const languages = new Set(items.map((i) => i.context.language.split("-")[0]!));
    for (const l of languages) {
      const mine = items.filter((i) => i.context.language.split("-")[0] === l);
      const tuning = mine.filter((i) => half.get(i.id) === "tuning").length;
      expect(Math.abs(2 * tuning - mine.length), l).toBeLessThanOrEqual(1);
    }
    const meanLabel = (h: (typeof HALVES)[number]) => {
      const labels = items.filter((i) => half.get(i.id) === h).map((i) => i.labels.empathy);
      return labels.reduce((a, b) => a + b, 0) / labels.length;
    };
    expect(Math.abs(meanLabel("tuning") - meanLabel("held-out"))).toBeLessThan(0.25);
  });

  it("agrees substantially with the labels on the held-out half, without a large bias and using the whole scale", async () => {
    const { items } = await loadCalibrationSet(DIR);
    const { figures } = await heuristicFigures(items, loadEmpathyLexicon());
    for (const set of ["held-out", "full"] as const) {
      const s = figures[set].overall;
      expect(s.kappa, set).toBeGreaterThanOrEqual(0.6);
      expect(s.within_one, set).toBeGreaterThanOrEqual(0.9);
      expect(Math.abs(s.bias!), set).toBeLessThanOrEqual(0.3);
    }
    const full = figures.full.overall;
    // Every rating 1–5 is given somewhere (the old heuristic never gave 4 or 5).
    const given = full.levels.map((_, col) => full.confusion.reduce((sum, row) => sum + (row[col] ?? 0), 0));
    for (const [col, n] of given.entries()) expect(n, `rating ${col + 1}`).toBeGreaterThan(0);
    // No language is far off on average: within one point for at least three in four items.
    for (const [l, s] of Object.entries(figures.full.by_language)) expect(s.within_one, l).toBeGreaterThanOrEqual(0.75);
  });
});
