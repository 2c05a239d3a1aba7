import pLimit from "p-limit";
import type { Domain } from "../../suite/domain-schema.js";
import { type LoadedScenario, Scenario } from "../../suite/schema.js";
import type { Grade } from "../schema.js";
import type { AsyncGrader, GradeInput, Grader } from "../types.js";
import { confusionMatrix, weightedKappa } from "./agreement.js";
import {
  BINARY_LABELS,
  type CalibrationItem,
  type LabelName,
  ORDINAL_LABELS,
  toTranscript,
} from "./calibration-schema.js";

/** How far a grader agrees with human labels: weighted kappa, agreement and confusion, per criterion and language. */

export interface AgreementStats {
  /** Items with both a human label and a usable grade. */
  n: number;
  /** Cohen's kappa, quadratic weights for 1–5 ratings (unweighted for yes/no); null when undefined. */
  kappa: number | null;
  /** Share of items where grader and human gave the same rating. */
  exact: number | null;
  /** Share within one point (1–5 ratings only). */
  within_one: number | null;
  /** Mean of grader minus human (1–5 ratings only): positive means the grader is more lenient. */
  bias: number | null;
  /** Rows: human rating; columns: grader rating; in the order of `levels`. */
  confusion: number[][];
  levels: (number | boolean)[];
}

export interface CriterionCalibration {
  label: LabelName;
  /** The grade criterion compared with the label. */
  criterion: string;
  overall: AgreementStats;
  by_language: Record<string, AgreementStats>;
  /** Items with a label but no grade for this criterion. */
  missing: number;
}

export interface CalibrationPair {
  id: string;
  language: string;
  label: LabelName;
  human: number | boolean;
  grader: number | boolean;
}

export interface CalibrationReport {
  grader: string;
  kind: string;
  items: number;
  criteria: CriterionCalibration[];
  errors: { id: string; label?: LabelName; message: string }[];
  pairs: CalibrationPair[];
}

/** Which grade criterion answers which label; escalation comes from the deterministic grader. */
export const DEFAULT_LABEL_CRITERIA: Record<LabelName, string> = {
  accuracy: "accuracy",
  empathy: "empathy",
  tone: "tone",
  resolution: "resolution",
  escalation_correct: "escalation",
};

const RATINGS = [1, 2, 3, 4, 5];
const BOOLS = [false, true];

function share(count: number, n: number): number | null {
  return n ? count / n : null;
}

/** Agreement of two raters over 1–5 ratings. */
export function ordinalAgreement(human: readonly number[], grader: readonly number[]): AgreementStats {
  const n = human.length;
  const confusion = confusionMatrix(human, grader, RATINGS);
  const diffs = human.map((h, i) => (grader[i] ?? h) - h);
  return {
    n,
    kappa: n ? weightedKappa(confusion, "quadratic") : null,
    exact: share(diffs.filter((d) => d === 0).length, n),
    within_one: share(diffs.filter((d) => Math.abs(d) <= 1).length, n),
    bias: n ? diffs.reduce((a, b) => a + b, 0) / n : null,
    confusion,
    levels: RATINGS,
  };
}

/** Agreement of two raters over yes/no labels. */
export function binaryAgreement(human: readonly boolean[], grader: readonly boolean[]): AgreementStats {
  const n = human.length;
  const confusion = confusionMatrix(human, grader, BOOLS);
  return {
    n,
    kappa: n ? weightedKappa(confusion, "none") : null,
    exact: share(human.filter((h, i) => h === grader[i]).length, n),
    within_one: null,
    bias: null,
    confusion,
    levels: BOOLS,
  };
}

/** The grade input a calibration item stands for: the labeller's context as a scenario, its excerpt as the policy. */
export function calibrationInput(item: CalibrationItem, domain?: Domain): GradeInput {
  const transcript = toTranscript(item.transcript);
  const opening = transcript.find((e) => e.type === "customer");
  const parsed = Scenario.parse({
    id: item.id,
    intent: item.context.intent,
    tier: item.context.tier,
    language: item.context.language,
    customer: {
      opening: opening?.type === "customer" ? opening.text : "(no customer message)",
      ...(item.context.customer_goal ? { goal: item.context.customer_goal } : {}),
    },
    ...(item.context.persona_mood ? { persona: { notes: `mood: ${item.context.persona_mood}` } } : {}),
    expect: {
      escalate: item.context.expected_escalation,
      // Keys are for the deterministic facts grader, which calibration does not test.
      facts: item.context.facts.map((claim) => ({ claim, keys: [claim] })),
    },
  });
  const scenario: LoadedScenario = {
    ...parsed,
    suite: "calibration",
    domain: item.context.domain,
    file: `calibration:${item.id}`,
    line: 1,
    trials: 1,
  };
  const base: Domain = domain ?? {
    name: item.context.domain,
    dir: "",
    title: item.context.domain,
    policy: "",
    systemPrompt: "",
    kb: [],
    tools: [],
    world: {},
    implementation: "",
    handoffReasons: [],
    verificationTool: "verify_identity",
  };
  return {
    scenario,
    domain: { ...base, policy: item.context.policy_excerpt },
    conversation: {
      transcript,
      end_reason: transcript.some((e) => e.type === "handoff") ? "handoff" : "customer_done",
      world_diff: [],
      usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, cached_calls: 0 },
      latency_ms: 0,
      bot_ms: 0,
    },
    initialWorld: {},
    finalWorld: {},
    referenceWorld: null,
  };
}

/** Run several graders as one (e.g. the deterministic escalation grader with a judge). */
export function combineGraders(...graders: (Grader | AsyncGrader)[]): AsyncGrader {
  return async (input, signal) => (await Promise.all(graders.map(async (g) => g(input, signal)))).flat();
}

export interface CalibrateOptions {
  grader: Grader | AsyncGrader;
  transcripts: readonly CalibrationItem[];
  /** The domain pack, for help-centre articles; the item's policy excerpt always replaces its policy. */
  domain?: Domain;
  criteria?: Partial<Record<LabelName, string>>;
  concurrency?: number;
  signal?: AbortSignal;
  onItem?: (done: number, total: number) => void;
}

function primaryLanguage(tag: string): string {
  return tag.toLowerCase().split("-")[0] ?? tag;
}

function ratingOf(g: Grade): number {
  return Math.min(5, Math.max(1, Math.round(g.score)));
}

/** Grade every labelled transcript and compare with the labels. */
export async function calibrate(options: CalibrateOptions): Promise<CalibrationReport> {
  const map = { ...DEFAULT_LABEL_CRITERIA, ...options.criteria };
  const signal = options.signal ?? new AbortController().signal;
  const limit = pLimit(options.concurrency ?? 4);
  let done = 0;
  const graded = await Promise.all(
    options.transcripts.map((item) =>
      limit(async () => {
        let grades: Grade[] | undefined;
        let error: string | undefined;
        try {
          grades = await options.grader(calibrationInput(item, options.domain), signal);
        } catch (err) {
          if (signal.aborted) throw err;
          error = err instanceof Error ? err.message : String(err);
        }
        options.onItem?.(++done, options.transcripts.length);
        return { item, grades, error };
      }),
    ),
  );

  const errors: CalibrationReport["errors"] = [];
  const pairs: CalibrationPair[] = [];
  const missing = new Map<LabelName, number>();
  const seenGraders = new Set<string>();
  const kinds = new Set<string>();
  for (const { item, grades, error } of graded) {
    if (!grades) {
      errors.push({ id: item.id, message: error ?? "grader failed" });
      continue;
    }
    for (const label of [...ORDINAL_LABELS, ...BINARY_LABELS]) {
      const human = item.labels[label];
      if (human === undefined) continue;
      const g = grades.find((x) => x.criterion === map[label]);
      if (!g) {
        missing.set(label, (missing.get(label) ?? 0) + 1);
        continue;
      }
      seenGraders.add(g.grader);
      kinds.add(g.kind);
      if (g.error !== undefined) {
        errors.push({ id: item.id, label, message: g.error });
        continue;
      }
      const language = primaryLanguage(item.context.language);
      if (typeof human === "boolean") {
        if (g.pass === null) missing.set(label, (missing.get(label) ?? 0) + 1);
        else pairs.push({ id: item.id, language, label, human, grader: g.pass });
      } else pairs.push({ id: item.id, language, label, human, grader: ratingOf(g) });
    }
  }

  const stats = (list: CalibrationPair[], label: LabelName): AgreementStats =>
    (BINARY_LABELS as readonly string[]).includes(label)
      ? binaryAgreement(
          list.map((p) => p.human as boolean),
          list.map((p) => p.grader as boolean),
        )
      : ordinalAgreement(
          list.map((p) => p.human as number),
          list.map((p) => p.grader as number),
        );
  const criteria = [...ORDINAL_LABELS, ...BINARY_LABELS]
    .filter((label) => options.transcripts.some((t) => t.labels[label] !== undefined))
    .map((label): CriterionCalibration => {
      const mine = pairs.filter((p) => p.label === label);
      const languages = [...new Set(mine.map((p) => p.language))].sort();
      return {
        label,
        criterion: map[label],
        overall: stats(mine, label),
        by_language: Object.fromEntries(
          languages.map((l) => [
            l,
            stats(
              mine.filter((p) => p.language === l),
              label,
            ),
          ]),
        ),
        missing: missing.get(label) ?? 0,
      };
    });
  return {
    grader: [...seenGraders].join(", ") || "(no grades)",
    kind: [...kinds].join("+") || "none",
    items: options.transcripts.length,
    criteria,
    errors,
    pairs,
  };
}

/** Landis and Koch's words for a kappa. */
export function kappaWord(kappa: number | null): string {
  if (kappa === null) return "undefined";
  if (kappa < 0) return "poor";
  if (kappa <= 0.2) return "slight";
  if (kappa <= 0.4) return "fair";
  if (kappa <= 0.6) return "moderate";
  if (kappa <= 0.8) return "substantial";
  return "almost perfect";
}

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);
const num = (x: number | null, digits = 2) => (x === null ? "—" : x.toFixed(digits));

/** A plain-text report for the terminal. */
export function formatCalibrationReport(r: CalibrationReport): string {
  const out: string[] = [
    `Calibration of ${r.grader} (${r.kind}) against ${r.items} labelled transcripts${r.errors.length ? `, ${r.errors.length} grader errors` : ""}`,
    "",
    `${"criterion".padEnd(34)}${"n".padStart(5)}${"kappa".padStart(8)}  ${"agreement".padEnd(15)}${"exact".padStart(7)}${"±1".padStart(7)}${"bias".padStart(7)}`,
  ];
  const row = (name: string, s: AgreementStats) =>
    `${name.padEnd(34)}${String(s.n).padStart(5)}${num(s.kappa).padStart(8)}  ${kappaWord(s.kappa).padEnd(15)}${pct(s.exact).padStart(7)}${pct(s.within_one).padStart(7)}${(s.bias === null ? "—" : (s.bias >= 0 ? "+" : "") + s.bias.toFixed(2)).padStart(7)}`;
  for (const c of r.criteria) {
    const name = c.label === c.criterion ? c.label : `${c.label} (${c.criterion})`;
    if (!c.overall.n && c.missing === r.items) {
      out.push(`${name.padEnd(34)}  not graded by this grader`);
      continue;
    }
    out.push(row(name, c.overall));
    for (const [lang, s] of Object.entries(c.by_language)) out.push(row(`  ${lang}`, s));
    if (c.missing) out.push(`  (no \`${c.criterion}\` grade for ${c.missing} transcripts)`);
  }
  for (const c of r.criteria) {
    if (!c.overall.n) continue;
    out.push("", `${c.label}: rows human, columns grader (${c.overall.levels.map(String).join(" ")})`);
    c.overall.confusion.forEach((rowCounts, i) => {
      out.push(
        `  ${String(c.overall.levels[i]).padStart(5)} │ ${rowCounts.map((v) => String(v).padStart(3)).join(" ")}`,
      );
    });
  }
  for (const e of r.errors.slice(0, 10)) out.push(`error ${e.id}${e.label ? ` (${e.label})` : ""}: ${e.message}`);
  return out.join("\n");
}
