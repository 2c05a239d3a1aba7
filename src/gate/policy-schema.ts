import { z } from "zod";

/**
 * The gate policy (policies/gate.yaml): when CI fails a build. Every threshold says which figure it
 * reads (`on`): the point estimate, or the pessimistic side of the Wilson interval, so a small sample
 * cannot pass a threshold by luck.
 */

/** `on` has no default on purpose: a reader of the policy must see which figure a threshold reads. */
function onError(choices: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `missing \`on\`: say which figure is compared, ${choices}` : `\`on\` is ${choices}`;
}

/** A floor on a rate: the estimate, or the Wilson lower bound, must be at least `min`. */
export const MinRule = z.strictObject({
  min: z.number().min(0).max(1),
  on: z.enum(["estimate", "lower_bound"], { error: onError("estimate or lower_bound") }),
});
export type MinRule = z.infer<typeof MinRule>;

/** A ceiling on a rate: the estimate, or the Wilson upper bound, must be at most `max`. */
export const MaxRule = z.strictObject({
  max: z.number().min(0).max(1),
  on: z.enum(["estimate", "upper_bound"], { error: onError("estimate or upper_bound") }),
});
export type MaxRule = z.infer<typeof MaxRule>;

/** Per-group floors; the key "*" applies to every group present in the run that has no rule of its own. */
const GroupRules = z.record(z.string().min(1), MinRule);

/** Tiers by number as a string key ("1", "2", "3") or "*"; an object so unknown keys get a positioned hint. */
const TierRules = z.strictObject({
  "1": MinRule.optional(),
  "2": MinRule.optional(),
  "3": MinRule.optional(),
  "*": MinRule.optional(),
});

export const PassRateRules = z.strictObject({
  overall: MinRule.optional(),
  tier: TierRules.default({}),
  intent: GroupRules.default({}),
  language: GroupRules.default({}),
});

export const BaselineRules = z.strictObject({
  /** A baseline file used when --baseline is not given; a missing file skips the comparison with a note. */
  file: z.string().min(1).optional(),
  /** Significance level of the paired test (McNemar mid-p, and a 1 − α paired bootstrap interval). */
  alpha: z.number().gt(0).max(0.5).default(0.05),
  /** The drop in pass rate (0–1, e.g. 0.05 = 5 points) that must also be exceeded to fail: noise-proofing. */
  min_effect: z.number().min(0).lt(1).default(0.05),
  /**
   * Scenarios of a suite whose file changed since the baseline: `skip` leaves them out of the pairing
   * (their expectations may differ), `compare` pairs them anyway.
   */
  changed_suites: z.enum(["skip", "compare"]).default("skip"),
});
export type BaselineRules = z.infer<typeof BaselineRules>;

export const GatePolicy = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  /** Candidates the rules apply to; default: every candidate in the run. */
  candidates: z.array(z.string().min(1)).optional(),
  /** Distinct scenarios a figure needs; default: the analysis' rule (5). */
  min_scenarios: z.number().int().min(1).optional(),
  /** Confidence of the Wilson intervals behind lower_bound / upper_bound; default 0.95. */
  confidence: z.number().gt(0).lt(1).optional(),
  /** What a rule does when its figure has too little evidence or its tier is absent. */
  insufficient: z.enum(["skip", "fail"]).default("skip"),
  /**
   * A run that is not complete (interrupted, still running, or fewer trials recorded than planned)
   * fails the gate unless this is true; then it is judged on the trials recorded, with a note.
   */
  allow_incomplete: z.boolean().default(false),
  pass_rate: PassRateRules.default({ tier: {}, intent: {}, language: {} }),
  /** Required hand-offs that the bot did not make, over all required hand-offs. */
  missed_escalation_rate: MaxRule.optional(),
  /** Trials that ended in an error (provider failures, timeouts), over all trials. */
  error_rate: MaxRule.optional(),
  /** The paired comparison with a baseline run or baseline file on the same scenarios. */
  baseline: BaselineRules.default({ alpha: 0.05, min_effect: 0.05, changed_suites: "skip" }),
});
export type GatePolicy = z.infer<typeof GatePolicy>;
export type GatePolicyInput = z.input<typeof GatePolicy>;

export const gatePolicyJsonSchema = z.toJSONSchema(GatePolicy, { io: "input" });
