import { z } from "zod";
import { JudgeUsage } from "../graders/schema.js";

/**
 * The Analysis: everything the reports show, computed from results.jsonl lines and run.json.
 * summary.json is this object; the HTML, Markdown and gate read it and compute nothing new.
 * Rates are 0–1. A `null` figure means "not computed": no data, or too little evidence to state it.
 */

export const ANALYSIS_VERSION = 1;

/** A share with its Wilson interval; `rate`, `low` and `high` are null when `n` is 0. */
export const Proportion = z.object({
  count: z.number().int().min(0),
  n: z.number().int().min(0),
  rate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type Proportion = z.infer<typeof Proportion>;

/**
 * A pass rate over graded trials (error verdicts excluded). When `sufficient` is false the cell has
 * fewer distinct scenarios than `settings.min_scenarios`: the counts are kept, the rate and interval are null.
 */
export const PassRate = z.object({
  passes: z.number().int().min(0),
  n: z.number().int().min(0),
  scenarios: z.number().int().min(0),
  /**
   * The interval's sample size: n divided by the design effect of repeated trials of one scenario
   * (never above n; equal to n with one trial per scenario). At a rate of 0 or 1 (where the design
   * effect is 0/0) and with one scenario it is the number of scenarios. Null when insufficient.
   */
  effective_n: z.number().nullable(),
  rate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  sufficient: z.boolean(),
});
export type PassRate = z.infer<typeof PassRate>;

export const Dimension = z.enum(["intent", "language", "tier"]);
export type Dimension = z.infer<typeof Dimension>;

/** Pass rate of one value of one dimension, e.g. language "de". Tier keys are "1", "2", "3". */
export const GroupRate = z.object({
  dimension: Dimension,
  key: z.string(),
  pass: PassRate,
});
export type GroupRate = z.infer<typeof GroupRate>;

/** The escalation confusion matrix of one candidate (or one cell). */
export const EscalationSummary = z.object({
  counts: z.object({
    correct_handoff: z.number().int(),
    correct_no_handoff: z.number().int(),
    missed: z.number().int(),
    needless: z.number().int(),
    late: z.number().int(),
    /** Graded trials whose line has `escalation: null` (no escalation expectation was graded). */
    unknown: z.number().int(),
  }),
  /** Trials where a hand-off was required: correct_handoff + late + missed. */
  required: z.number().int(),
  /** Trials where no hand-off was required: correct_no_handoff + needless. */
  not_required: z.number().int(),
  /** missed / required. */
  missed_rate: Proportion,
  /** late / required. */
  late_rate: Proportion,
  /** needless / not_required. */
  needless_rate: Proportion,
  /** missed / all trials with a known outcome: what a contact stream would see. */
  missed_per_contact: Proportion,
});
export type EscalationSummary = z.infer<typeof EscalationSummary>;

/**
 * The evidence behind a decision, the same for one cell and for a pool of cells: counts, pass rate,
 * hand-offs, empathy, volume, cost and resolution.
 */
const evidenceFields = {
  /** All trials and distinct scenarios, error verdicts included. */
  trials: z.number().int(),
  scenarios: z.number().int(),
  errors: z.number().int(),
  pass: PassRate,
  escalation: EscalationSummary,
  /** Mean empathy on its own scale (usually 1–5), judge preferred over heuristic; null if not graded. */
  empathy: z.number().nullable(),
  empathy_kind: z.enum(["judge", "heuristic"]).nullable(),
  /** Sum of the distinct scenarios' `volume`; null when any scenario has none. */
  volume: z.number().nullable(),
  cost_per_conversation: z.number().nullable(),
  /** Share of graded trials that passed without any hand-off (the bot resolved the contact). */
  resolution: Proportion,
};

/** One cell of intent × language × tier for one candidate. */
export const Cell = z.object({
  intent: z.string(),
  language: z.string(),
  tier: z.number().int(),
  ...evidenceFields,
});
export type Cell = z.infer<typeof Cell>;

/**
 * How cells are pooled when a cell alone is too small to decide: one intent and tier across all
 * languages, one intent across tiers and languages, one language and tier across intents, or one
 * language across intents and tiers.
 */
export const PoolLevel = z.enum(["intent_tier", "intent", "language_tier", "language"]);
export type PoolLevel = z.infer<typeof PoolLevel>;

/** The evidence of a pool of cells; the fields a level does not fix are null. */
export const Pool = z.object({
  level: PoolLevel,
  intent: z.string().nullable(),
  language: z.string().nullable(),
  tier: z.number().int().nullable(),
  /** Distinct intent × language × tier cells in the pool. */
  cells: z.number().int(),
  ...evidenceFields,
});
export type Pool = z.infer<typeof Pool>;

export const PassAtK = z.object({
  k: z.number().int().min(1),
  /** Mean over scenarios of C(c,k)/C(n,k) (τ-bench pass^k): all k trials pass. */
  value: z.number().nullable(),
  /** Scenarios with at least k graded trials, the ones the estimate averages over. */
  scenarios: z.number().int(),
});
export type PassAtK = z.infer<typeof PassAtK>;

export const ScoreDistribution = z.object({
  criterion: z.string(),
  /** Heuristic scores are an offline fallback and must be labelled as such wherever shown. */
  kind: z.enum(["deterministic", "judge", "heuristic"]),
  scale: z.tuple([z.number(), z.number()]),
  n: z.number().int(),
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  p50: z.number().nullable(),
  /** Integer scales: one bin per level; others: ten equal bins from scale[0] to scale[1]. */
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
});
export type ScoreDistribution = z.infer<typeof ScoreDistribution>;

/** Per-criterion results: the grader breakdown. */
export const CriterionSummary = z.object({
  criterion: z.string(),
  kind: z.enum(["deterministic", "judge", "heuristic"]),
  hard: z.boolean(),
  graded: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  /** Recorded with `pass: null` (not decisive). */
  undecided: z.number().int(),
  errors: z.number().int(),
  pass: Proportion,
});
export type CriterionSummary = z.infer<typeof CriterionSummary>;

/**
 * Judged expectations (rubric lines, plain-text forbidden entries) recorded without a judge: no score,
 * no verdict, no judge evidence. Counted per criterion so a report can say what was left unjudged.
 */
export const NotJudged = z.object({
  criterion: z.string(),
  /** Placeholder grades of this criterion. */
  grades: z.number().int(),
  /** Graded trials with at least one of them. */
  trials: z.number().int(),
});
export type NotJudged = z.infer<typeof NotJudged>;

export const FailureExample = z.object({
  key: z.string(),
  suite: z.string(),
  scenario: z.string(),
  trial: z.number().int(),
  reason: z.string(),
});

/** A criterion that failed trials, most frequent first, with a few examples. */
export const TopFailure = z.object({
  criterion: z.string(),
  /** Distinct failed trials in which the criterion failed (a trial counts once however many of its grades failed). */
  count: z.number().int(),
  /** Failed grades of the criterion in those trials (one per fact, per action…). */
  grades: z.number().int(),
  scenarios: z.number().int(),
  examples: z.array(FailureExample),
});
export type TopFailure = z.infer<typeof TopFailure>;

export const Percentiles = z.object({
  n: z.number().int(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  max: z.number().nullable(),
});
export type Percentiles = z.infer<typeof Percentiles>;

export const CostSummary = z.object({
  total_usd: z.number(),
  /** Over all trials, errors included (they cost money too). */
  per_conversation: z.number().nullable(),
  /** total_usd / resolved; null when nothing was resolved. */
  per_resolved: z.number().nullable(),
  resolved: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  calls: z.number().int(),
  cached_calls: z.number().int(),
});
export type CostSummary = z.infer<typeof CostSummary>;

export const ClusteredSE = z.object({
  /** Cluster-robust standard error of the pass rate, intents as clusters. */
  se: z.number().nullable(),
  /** The naive binomial standard error, for comparison. */
  naive_se: z.number().nullable(),
  clusters: z.number().int(),
  /** (se / naive_se)²: how much clustering inflates the variance. */
  design_effect: z.number().nullable(),
  /** Normal interval on the pass rate from the clustered SE. */
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type ClusteredSE = z.infer<typeof ClusteredSE>;

export const ErrorSummary = z.object({
  total: z.number().int(),
  rate: z.number().nullable(),
  by_kind: z.record(z.string(), z.number().int()),
});

export const CandidateAnalysis = z.object({
  candidate: z.string(),
  trials: z.number().int(),
  graded: z.number().int(),
  scenarios: z.number().int(),
  pass: PassRate,
  /** Scenario-level: a scenario passes when all of its graded trials pass. */
  scenario_pass: PassRate,
  clustered: ClusteredSE,
  pass_k: z.array(PassAtK),
  by_intent: z.array(GroupRate),
  by_language: z.array(GroupRate),
  by_tier: z.array(GroupRate),
  cells: z.array(Cell),
  /** Cells pooled by intent and by language, for the planner's decisions on cells too small to decide alone. */
  pools: z.array(Pool),
  escalation: EscalationSummary,
  scores: z.array(ScoreDistribution),
  /** Graded criteria; "not judged" placeholders are left out (see `not_judged`). */
  criteria: z.array(CriterionSummary),
  /** Judged expectations only recorded as "not judged" (the run had no judge), per criterion. */
  not_judged: z.array(NotJudged),
  cost: CostSummary,
  latency: z.object({ conversation_ms: Percentiles, bot_turn_ms: Percentiles }),
  errors: ErrorSummary,
  top_failures: z.array(TopFailure),
});
export type CandidateAnalysis = z.infer<typeof CandidateAnalysis>;

/** Two candidates on the scenarios both ran; `diff` is b − a. */
export const PairedComparison = z.object({
  a: z.string(),
  b: z.string(),
  /** "candidates" within the runs, or "baseline" when a is from the baseline run. */
  source: z.enum(["candidates", "baseline"]),
  shared_scenarios: z.number().int(),
  /** Trials paired by (suite, scenario, trial index), both graded. */
  pairs: z.number().int(),
  a_rate: z.number().nullable(),
  b_rate: z.number().nullable(),
  diff: z.number().nullable(),
  /** McNemar table over pairs. */
  both_pass: z.number().int(),
  a_only: z.number().int(),
  b_only: z.number().int(),
  neither: z.number().int(),
  mcnemar_p: z.number().nullable(),
  mcnemar_mid_p: z.number().nullable(),
  /** Percentile interval of b − a from resampling scenarios (clusters of trials). */
  bootstrap: z.object({
    low: z.number().nullable(),
    high: z.number().nullable(),
    level: z.number(),
    resamples: z.number().int(),
  }),
  /** mid-p below alpha and the bootstrap interval excludes 0. */
  significant: z.boolean(),
  better: z.string().nullable(),
  sufficient: z.boolean(),
});
export type PairedComparison = z.infer<typeof PairedComparison>;

export const Decision = z.enum(["automate", "automate_with_review", "keep_human", "insufficient_evidence"]);
export type Decision = z.infer<typeof Decision>;

/** What keeps a cell from a bolder decision. */
export const Limit = z.enum([
  /** Too few scenarios, in the cell and in its pools. */
  "evidence",
  /** The pass rate's lower bound is below the bar. */
  "pass_rate",
  "missed_escalation",
  "empathy",
  /** No empathy score where the policy needs one. */
  "empathy_missing",
  /** A pooled cell whose own conversations failed. */
  "own_failure",
  /** The policy's ceiling for the tier holds the cell at this decision. */
  "tier_ceiling",
]);
export type Limit = z.infer<typeof Limit>;

/** One pool the planner consulted for a cell, with the decision its figures alone would give. */
export const ScopePool = z.object({
  level: PoolLevel,
  /** The pool in words, e.g. "refund.status, tier 1, all languages". */
  label: z.string(),
  scenarios: z.number().int(),
  cells: z.number().int(),
  passes: z.number().int(),
  n: z.number().int(),
  pass_rate: z.number().nullable(),
  pass_low: z.number().nullable(),
  missed_escalation_rate: z.number().nullable(),
  empathy: z.number().nullable(),
  empathy_kind: z.enum(["judge", "heuristic"]).nullable(),
  /** insufficient_evidence when the pool is below the policy's pooling minimums. */
  decision: Decision,
  /** Why the pool's own decision is not bolder. */
  limits: z.array(Limit),
  /** The pool's decision is the cell's pooled decision: it is the more cautious side (or both agree). */
  binding: z.boolean(),
});
export type ScopePool = z.infer<typeof ScopePool>;

export const ScopeCell = z.object({
  intent: z.string(),
  language: z.string(),
  tier: z.number().int(),
  decision: Decision,
  /**
   * What decided: the cell's own scenarios, or (too few of them) the more cautious of its intent pool
   * and its language pool; null when neither was enough (insufficient evidence).
   */
  basis: z.enum(["cell", "pooled"]).nullable(),
  /** Plain-words reasons: which threshold decided, with the figures. */
  reasons: z.array(z.string()),
  /** What keeps the cell from a bolder decision; empty for automate. */
  limits: z.array(Limit),
  /** The figures the decision rests on: the cell's own, or for a pooled cell the more cautious pool's. */
  pass_rate: z.number().nullable(),
  pass_low: z.number().nullable(),
  missed_escalation_rate: z.number().nullable(),
  empathy: z.number().nullable(),
  empathy_kind: z.enum(["judge", "heuristic"]).nullable(),
  /** The cell's own graded trials and passes, whatever the basis (never a rate when they are few). */
  own: z.object({ passes: z.number().int(), n: z.number().int() }),
  /** The pools consulted (empty when the cell decided alone). */
  pools: z.array(ScopePool),
  /** Share of the benchmark's contacts this cell stands for (sums to 1 over a candidate's cells). */
  weight: z.number(),
  scenarios: z.number().int(),
});
export type ScopeCell = z.infer<typeof ScopeCell>;

const DecisionShares = z.object({
  automate: z.number(),
  automate_with_review: z.number(),
  keep_human: z.number(),
  insufficient_evidence: z.number(),
});

/** The plan read by row or by column: the decisions of one intent (with its tier) or of one language. */
export const ScopeGroup = z.object({
  dimension: z.enum(["intent", "language"]),
  key: z.string(),
  /** The intent's tier; null for a language. */
  tier: z.number().int().nullable(),
  /** Share of all contacts in this group. */
  weight: z.number(),
  cells: z.number().int(),
  scenarios: z.number().int(),
  /** Shares of the group's own weight by decision; they sum to 1. */
  shares: DecisionShares,
  /** The decision covering most of the group's weight; on a tie, the more cautious one. */
  decision: Decision,
});
export type ScopeGroup = z.infer<typeof ScopeGroup>;

export const ScopePlan = z.object({
  candidate: z.string(),
  cells: z.array(ScopeCell),
  /** Intents (with their tier) and languages, busiest first. */
  by_intent: z.array(ScopeGroup),
  by_language: z.array(ScopeGroup),
  /** "volume": every scenario has a volume; "equal": each scenario weighs the same (stated in notes). */
  weighting: z.enum(["volume", "equal"]),
  /** Volume-weighted shares of contacts by decision; they sum to 1. */
  shares: DecisionShares,
  /** Share of contacts whose decision came from pooled evidence (part of the decided shares). */
  pooled: z.number(),
  /**
   * Share of all contacts the bot resolves under the plan: Σ over automated cells (with or without
   * review) of weight × resolution (passed without a hand-off). The rest of the automated share
   * still reaches a person: the bot's hand-offs and the conversations it does not resolve.
   */
  resolved: z.number(),
  cost: z.object({
    currency: z.string(),
    human_per_contact: z.number(),
    review_per_contact: z.number(),
    /** Bot cost per resolved contact over the automated cells (both kinds). */
    bot_per_resolved: z.number().nullable(),
    /** Expected cost per contact today (all human) and with the plan, contacts the bot cannot resolve go to a human. */
    current_per_contact: z.number(),
    planned_per_contact: z.number().nullable(),
    savings_per_10k: z.number().nullable(),
  }),
  risk: z.object({
    /** Expected missed escalations per 10,000 contacts of all contacts, from the automated cells. */
    missed_escalations_per_10k: z.number().nullable(),
    /** The same, from the cells automated without review only. */
    missed_escalations_per_10k_unreviewed: z.number().nullable(),
  }),
  notes: z.array(z.string()),
});
export type ScopePlan = z.infer<typeof ScopePlan>;

export const RunSummary = z.object({
  run: z.string(),
  status: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  package_version: z.string(),
  git_commit: z.string().nullable(),
  judge: z.string().nullable(),
  candidates: z.array(z.string()),
  planned_trials: z.number().int(),
  /** Lines read for this run after de-duplication. */
  trials: z.number().int(),
  /** What the judge spent on this run (run.json), and the trials it graded, when a judge graded it. */
  judge_usage: JudgeUsage.extend({
    /** Trials with at least one judge grade. */
    judged_trials: z.number().int(),
    /** (input + output tokens) / judged_trials; null when none was judged. */
    tokens_per_trial: z.number().nullable(),
    cost_per_trial: z.number().nullable(),
  }).optional(),
  selftest: z.unknown().optional(),
  calibration: z.unknown().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const Analysis = z.object({
  v: z.literal(ANALYSIS_VERSION),
  generated_at: z.string().nullable(),
  settings: z.object({
    /** Fewer distinct scenarios than this in a cell or group: insufficient evidence. */
    min_scenarios: z.number().int(),
    confidence: z.number(),
    alpha: z.number(),
    bootstrap_resamples: z.number().int(),
    seed: z.number().int(),
    /** Error verdicts are excluded from pass rates and reported under `errors`. */
    errors: z.literal("excluded"),
    policy: z.string().nullable(),
  }),
  runs: z.array(RunSummary),
  baseline_runs: z.array(RunSummary),
  totals: z.object({
    lines: z.number().int(),
    candidates: z.number().int(),
    scenarios: z.number().int(),
    intents: z.number().int(),
    languages: z.number().int(),
  }),
  candidates: z.array(CandidateAnalysis),
  comparisons: z.array(PairedComparison),
  /** Each current candidate against its baseline counterpart; empty without a baseline. */
  baseline: z.array(PairedComparison),
  scope: z.array(ScopePlan),
  /** The candidate the recommendation is about (largest automatable share, then pass rate). */
  recommended: z.string().nullable(),
  /** The recommendation in plain words, for leadership. */
  recommendation: z.string(),
  /** The same recommendation sentence by sentence (joined by spaces they are `recommendation`), for lists. */
  recommendation_sentences: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type Analysis = z.infer<typeof Analysis>;
