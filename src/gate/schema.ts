import { z } from "zod";
import { PairedComparison } from "../analysis/schema.js";

/** The gate's verdict: every rule checked, with the figure it read and its margin. `--json` prints this. */

export const GATE_RESULT_VERSION = 1;

export const RuleStatus = z.enum(["pass", "fail", "skip"]);
export type RuleStatus = z.infer<typeof RuleStatus>;

export const RuleResult = z.object({
  /** A stable id: `pass_rate.overall`, `pass_rate.tier.3`, `pass_rate.language.de`, `missed_escalation_rate`, `error_rate`, `baseline`, `run_complete`. */
  rule: z.string(),
  candidate: z.string(),
  /** Plain words for the screen: "pass rate, tier 3". */
  label: z.string(),
  status: RuleStatus,
  /** Which figure was read: the point estimate, a Wilson bound, the paired difference, or the run's status (`run_complete`). */
  on: z.enum(["estimate", "lower_bound", "upper_bound", "paired_difference", "run_status"]),
  /** The figure compared with the threshold (0–1; for the baseline rule, the difference current − baseline). */
  measured: z.number().nullable(),
  /** The threshold; for the baseline rule, the drop that fails (−min_effect). */
  threshold: z.number(),
  direction: z.enum(["min", "max"]),
  /** How far the figure is on the good side of the threshold (negative: by how much it missed). */
  margin: z.number().nullable(),
  /** Supporting figures in words (point estimate and interval, counts, p-value, why a rule was skipped). */
  detail: z.string(),
});
export type RuleResult = z.infer<typeof RuleResult>;

export const SuiteChange = z.object({
  suite: z.string(),
  baseline: z.string().nullable(),
  current: z.string().nullable(),
});
export type SuiteChange = z.infer<typeof SuiteChange>;

/** The paired comparison of the run with its baseline, computed from verdict tables. */
export const BaselineComparison = z.object({
  /** Where the baseline came from, for the screen: a run folder or a baseline file. */
  source: z.string(),
  alpha: z.number(),
  min_effect: z.number(),
  comparisons: z.array(PairedComparison),
  /** Current candidates that have no counterpart in the baseline, with the reason. */
  unmatched: z.array(z.object({ candidate: z.string(), reason: z.string() })),
  /** Suites whose file differs from the baseline's (by sha256). */
  changed_suites: z.array(SuiteChange),
  /** Scenarios left out of the pairing because their suite changed (policy `changed_suites: skip`). */
  skipped_scenarios: z.number().int(),
});
export type BaselineComparison = z.infer<typeof BaselineComparison>;

export const GateResult = z.object({
  v: z.literal(GATE_RESULT_VERSION),
  passed: z.boolean(),
  candidates: z.array(z.string()),
  runs: z.array(z.string()),
  /** Level of the Wilson intervals the bounds were read from, and the evidence rule of the figures. */
  confidence: z.number(),
  min_scenarios: z.number().int(),
  counts: z.object({ pass: z.number().int(), fail: z.number().int(), skip: z.number().int() }),
  rules: z.array(RuleResult),
  baseline: BaselineComparison.nullable(),
  /** Things a reader should know that are not rules: analysis warnings, absent baselines, changed suites. */
  notes: z.array(z.string()),
});
export type GateResult = z.infer<typeof GateResult>;
