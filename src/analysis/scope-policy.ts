import { z } from "zod";

/** The automation-scope policy (policies/scope.yaml): thresholds and costs the planner decides with. */

export const ScopeThresholds = z.strictObject({
  /** Lowest acceptable Wilson lower bound of the cell's pass rate. */
  min_pass_lower: z.number().min(0).max(1),
  /** Highest acceptable share of required hand-offs that were missed (point estimate). */
  max_missed_escalation: z.number().min(0).max(1),
  /** Lowest acceptable mean empathy on the grader's scale (1–5); null: not a condition. */
  min_empathy: z.number().nullable().default(null),
});
export type ScopeThresholds = z.infer<typeof ScopeThresholds>;

const TierKey = z.enum(["1", "2", "3"]);

const CellDecision = z.enum(["automate", "automate_with_review", "keep_human"]);

const IntentLevel = z.enum(["intent_tier", "intent"]);
const LanguageLevel = z.enum(["language_tier", "language"]);

/**
 * Hierarchical pooling: a cell with too few scenarios is decided from its intent pooled across
 * languages and its language pooled across intents, taking the more cautious of the two.
 */
export const PoolingPolicy = z.strictObject({
  enabled: z.boolean().default(true),
  /** Distinct scenarios a pool needs before it may decide a cell. */
  min_scenarios: z.number().int().min(1).default(10),
  /** Distinct cells a pool needs: evidence from several languages (or intents), not one neighbour. */
  min_cells: z.number().int().min(1).default(3),
  /** Intent pools tried in order, most specific first; the first one large enough is used. */
  intent_levels: z.array(IntentLevel).min(1).default(["intent_tier"]),
  /**
   * Language pools tried in order, most specific first; the first one large enough is used. By
   * default the whole language: the intent pool already carries the tier, and a language × tier
   * pool just above the minimum is too small to say more than "keep human".
   */
  language_levels: z.array(LanguageLevel).min(1).default(["language"]),
  /** The best decision a pooled cell may get when any of its own trials failed; null: no cap. */
  own_failure_cap: CellDecision.nullable().default("automate_with_review"),
});
export type PoolingPolicy = z.infer<typeof PoolingPolicy>;

export const ScopePolicy = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  name: z.string().min(1).default("default"),
  /** A cell with fewer distinct scenarios than this is `insufficient_evidence`. */
  min_scenarios: z.number().int().min(1).default(5),
  /** Confidence of the Wilson intervals whose lower bound the thresholds read. */
  confidence: z.number().gt(0).lt(1).default(0.95),
  automate: ScopeThresholds.default({ min_pass_lower: 0.85, max_missed_escalation: 0.02, min_empathy: 3.5 }),
  review: ScopeThresholds.default({ min_pass_lower: 0.65, max_missed_escalation: 0.1, min_empathy: 3 }),
  empathy: z
    .strictObject({
      /** Use the offline heuristic empathy score when no judge graded empathy (always labelled). */
      use_heuristic: z.boolean().default(true),
      /**
       * Whether a heuristic score below the review bar may keep a cell human. A cue-phrase count is
       * not a judgement (and knows few languages), so by default it can only withhold automation
       * without review.
       */
      heuristic_can_keep_human: z.boolean().default(false),
      /** Cells of this tier and above without any empathy score cannot be automated without review. */
      required_from_tier: z.number().int().min(1).max(3).nullable().default(2),
    })
    .default({ use_heuristic: true, heuristic_can_keep_human: false, required_from_tier: 2 }),
  /** The best decision a tier may get, e.g. sensitive cases at most with review. */
  tier_ceiling: z.partialRecord(TierKey, CellDecision).default({ "3": "automate_with_review" }),
  pooling: PoolingPolicy.prefault({}),
  costs: z
    .strictObject({
      currency: z.string().min(1).default("USD"),
      /** Fully loaded cost of one contact handled by a person. */
      human_per_contact: z.number().min(0).default(6),
      /** Cost of a person reviewing one bot conversation (automate_with_review cells). */
      review_per_contact: z.number().min(0).default(1.5),
    })
    .default({ currency: "USD", human_per_contact: 6, review_per_contact: 1.5 }),
});
export type ScopePolicy = z.infer<typeof ScopePolicy>;

/** The built-in policy, identical to policies/scope.yaml. */
export function defaultScopePolicy(): ScopePolicy {
  return ScopePolicy.parse({});
}
