import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeEscalation } from "../src/graders/deterministic/escalation.js";
import { calibrate } from "../src/graders/judge/calibrate.js";
import { loadCalibrationSet, parseCalibrationJsonl } from "../src/graders/judge/calibration-loader.js";
import { type CalibrationItem, ORDINAL_LABELS } from "../src/graders/judge/calibration-schema.js";
import { formatProblem } from "../src/suite/problems.js";

/** Checks on the labelled calibration set itself: size, spread and internal consistency of its labels. */

const DIR = join(import.meta.dirname, "..", "datasets", "calibration");
const EXAMPLES = "examples.jsonl";

const primary = (tag: string) => tag.toLowerCase().split("-")[0] ?? tag;

function countBy<T>(values: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

let all: CalibrationItem[] = [];
/** Items of the per-language files, keyed by file name; the examples are left out. */
const byFile = new Map<string, CalibrationItem[]>();

beforeAll(async () => {
  const { items, problems } = await loadCalibrationSet(DIR);
  expect(problems.map(formatProblem)).toEqual([]);
  all = items;
  for (const name of (await readdir(DIR)).filter((f) => f.endsWith(".jsonl") && f !== EXAMPLES).sort()) {
    const parsed = parseCalibrationJsonl(await readFile(join(DIR, name), "utf8"), name);
    expect(parsed.problems.map(formatProblem)).toEqual([]);
    byFile.set(name, parsed.items);
  }
});

const labelled = () => [...byFile.values()].flat();

describe("the calibration set", () => {
  it("loads every file without problems and holds at least 120 transcripts besides the examples", () => {
    expect(labelled().length).toBeGreaterThanOrEqual(120);
    expect(all.length).toBeGreaterThan(labelled().length);
  });

  it("covers at least 8 languages, one file per language holding only that language", () => {
    expect(byFile.size).toBeGreaterThanOrEqual(8);
    for (const [name, items] of byFile) {
      const lang = name.replace(/\.jsonl$/, "");
      expect(items.length, `${name} is nearly empty`).toBeGreaterThanOrEqual(10);
      for (const item of items) expect(primary(item.context.language), `${item.id} in ${name}`).toBe(lang);
    }
    expect(new Set(all.map((i) => primary(i.context.language))).size).toBeGreaterThanOrEqual(8);
  });

  it("keeps every label in range and explains every label in a note", () => {
    for (const item of all) {
      for (const label of ORDINAL_LABELS) {
        const v = item.labels[label];
        if (v === undefined) continue;
        expect(Number.isInteger(v) && v >= 1 && v <= 5, `${item.id}.${label} = ${v}`).toBe(true);
      }
      expect(typeof item.labels.escalation_correct).toBe("boolean");
      expect(item.labels.notes.length, `${item.id} has no labeller note`).toBeGreaterThan(40);
    }
  });

  it("mixes correct and incorrect escalation, and expected and unexpected hand-offs", () => {
    const esc = countBy(labelled().map((i) => i.labels.escalation_correct));
    const n = labelled().length;
    expect(esc.get(false) ?? 0).toBeGreaterThanOrEqual(Math.ceil(n * 0.1));
    expect(esc.get(true) ?? 0).toBeGreaterThanOrEqual(Math.ceil(n * 0.1));
    const required = (i: CalibrationItem) => {
      const e = i.context.expected_escalation;
      return typeof e === "boolean" ? e : e.required;
    };
    const req = countBy(labelled().map(required));
    expect(req.get(true) ?? 0).toBeGreaterThanOrEqual(Math.ceil(n * 0.25));
    expect(req.get(false) ?? 0).toBeGreaterThanOrEqual(Math.ceil(n * 0.25));
  });

  it("spreads accuracy and empathy over at least 4 levels, none holding more than half the items", () => {
    for (const label of ["accuracy", "empathy"] as const) {
      const counts = countBy(labelled().map((i) => i.labels[label]));
      expect(counts.size, `${label} levels used: ${[...counts.keys()].sort().join(",")}`).toBeGreaterThanOrEqual(4);
      for (const [level, count] of counts)
        expect(count, `${label} level ${level} holds ${count} of ${labelled().length}`).toBeLessThanOrEqual(
          labelled().length / 2,
        );
    }
  });

  it("covers all three tiers with tier 3 at least a third, and many intents", () => {
    const tiers = countBy(labelled().map((i) => i.context.tier));
    expect([...tiers.keys()].sort()).toEqual([1, 2, 3]);
    expect(tiers.get(3) ?? 0).toBeGreaterThanOrEqual(labelled().length / 3);
    expect(new Set(labelled().map((i) => i.context.intent)).size).toBeGreaterThanOrEqual(15);
  });

  it("labels escalation as the transcript's hand-off events show (deterministic escalation grader)", async () => {
    const report = await calibrate({ grader: gradeEscalation, transcripts: all });
    const esc = report.criteria.find((c) => c.label === "escalation_correct");
    const disagreements = report.pairs
      .filter((p) => p.label === "escalation_correct" && p.human !== p.grader)
      .map((p) => `${p.id}: label ${p.human}, transcript ${p.grader}`);
    expect(disagreements).toEqual([]);
    expect(esc?.overall.n).toBe(all.length);
  });
});
