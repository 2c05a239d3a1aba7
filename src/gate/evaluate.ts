import { languageName } from "../analysis/language-names.js";
import type { Analysis, CandidateAnalysis, Dimension, GroupRate, PassRate } from "../analysis/schema.js";
import { wilson } from "../analysis/stats.js";
import { didYouMean, InputError, type Problem, sortProblems } from "../suite/problems.js";
import { positionOf, type YamlSource } from "../suite/yaml-source.js";
import { formatP, pct, points, signedPoints } from "./format.js";
import type { GatePolicy, MaxRule, MinRule } from "./policy-schema.js";
import { type BaselineComparison, GATE_RESULT_VERSION, type GateResult, type RuleResult } from "./schema.js";

/** evaluateGate(): the analysis and a policy in, every rule's outcome out. Pure; the CLI does the I/O. */

export interface EvaluateGateOptions {
  /** Candidates to gate (e.g. from --candidate); default: the policy's, else every candidate analysed. */
  candidates?: readonly string[];
  /** Said when there is no baseline comparison, e.g. "no baseline file supportbench-baseline.json yet". */
  baselineNote?: string;
  /** The YAML the policy was read from (readGatePolicyFile), to place problems at line and column. */
  source?: YamlSource;
}

const DIMENSION_KEY: Record<Dimension, "by_intent" | "by_language" | "by_tier"> = {
  intent: "by_intent",
  language: "by_language",
  tier: "by_tier",
};

interface Ctx {
  candidate: string;
  policy: GatePolicy;
  confidence: number;
  minScenarios: number;
}

/** A rule that could not be decided: skipped, or failed when the policy says missing evidence fails. */
function undecided(ctx: Ctx, base: Omit<RuleResult, "status" | "measured" | "margin" | "detail">, why: string) {
  const fail = ctx.policy.insufficient === "fail";
  return {
    ...base,
    status: fail ? "fail" : "skip",
    measured: null,
    margin: null,
    detail: fail ? `${why} (policy: insufficient evidence fails)` : why,
  } satisfies RuleResult;
}

function decide(
  base: Omit<RuleResult, "status" | "measured" | "margin" | "detail">,
  measured: number,
  detail: string,
): RuleResult {
  const margin = base.direction === "min" ? measured - base.threshold : base.threshold - measured;
  // Rates are ratios of integers; a rounding hair below the threshold is not a miss.
  const status = margin >= -1e-12 ? "pass" : "fail";
  return { ...base, status, measured, margin, detail };
}

function passRateRule(ctx: Ctx, rule: string, label: string, rate: PassRate | undefined, r: MinRule): RuleResult {
  const base = {
    rule,
    candidate: ctx.candidate,
    label,
    on: r.on,
    threshold: r.min,
    direction: "min" as const,
  };
  if (!rate || rate.n === 0) return undecided(ctx, base, "no graded trials in this run");
  if (!rate.sufficient || rate.rate === null || rate.low === null || rate.high === null) {
    return undecided(
      ctx,
      base,
      `insufficient evidence: ${rate.scenarios} scenario${rate.scenarios === 1 ? "" : "s"}, needs ${ctx.minScenarios}`,
    );
  }
  const measured = r.on === "lower_bound" ? rate.low : rate.rate;
  const level = Math.round(ctx.confidence * 100);
  return decide(
    base,
    measured,
    `${rate.passes} of ${rate.n} trials passed on ${rate.scenarios} scenarios: ${pct(rate.rate)} (${level}% CI ${pct(rate.low)}–${pct(rate.high)})`,
  );
}

function groupRules(
  ctx: Ctx,
  c: CandidateAnalysis,
  dimension: Dimension,
  rules: Record<string, MinRule>,
): RuleResult[] {
  const groups = new Map<string, GroupRate>(c[DIMENSION_KEY[dimension]].map((g) => [g.key, g]));
  const out: RuleResult[] = [];
  const explicit = Object.keys(rules).filter((k) => k !== "*");
  for (const key of explicit.sort()) {
    out.push(
      passRateRule(
        ctx,
        `pass_rate.${dimension}.${key}`,
        `pass rate, ${dimension} ${key}`,
        groups.get(key)?.pass,
        rules[key]!,
      ),
    );
  }
  const wildcard = rules["*"];
  if (wildcard) {
    for (const [key, g] of groups) {
      if (key in rules) continue;
      out.push(passRateRule(ctx, `pass_rate.${dimension}.${key}`, `pass rate, ${dimension} ${key}`, g.pass, wildcard));
    }
  }
  return out;
}

function maxRateRule(
  ctx: Ctx,
  rule: string,
  label: string,
  counts: { count: number; n: number },
  r: MaxRule,
  what: string,
): RuleResult {
  const base = { rule, candidate: ctx.candidate, label, on: r.on, threshold: r.max, direction: "max" as const };
  if (counts.n === 0) return undecided(ctx, base, `no ${what} in this run`);
  const rate = counts.count / counts.n;
  const ci = wilson(counts.count, counts.n, ctx.confidence)!;
  const level = Math.round(ctx.confidence * 100);
  return decide(
    base,
    r.on === "upper_bound" ? ci.high : rate,
    `${counts.count} of ${counts.n} ${what}: ${pct(rate)} (${level}% CI ${pct(ci.low)}–${pct(ci.high)})`,
  );
}

function baselineRule(ctx: Ctx, cmp: BaselineComparison): RuleResult {
  const base = {
    rule: "baseline",
    candidate: ctx.candidate,
    on: "paired_difference" as const,
    threshold: -cmp.min_effect,
    direction: "min" as const,
  };
  const unmatched = cmp.unmatched.find((u) => u.candidate === ctx.candidate);
  const p = cmp.comparisons.find((x) => x.b === ctx.candidate);
  if (!p) return undecided(ctx, { ...base, label: "vs baseline" }, unmatched?.reason ?? "no baseline counterpart");
  const label = `vs baseline${p.a === p.b ? "" : ` ${p.a}`}`;
  if (!p.sufficient || p.diff === null) {
    return undecided(
      ctx,
      { ...base, label },
      `insufficient evidence: ${p.shared_scenarios} shared scenario${p.shared_scenarios === 1 ? "" : "s"} with graded trials, needs ${ctx.minScenarios}`,
    );
  }
  const level = Math.round((1 - cmp.alpha) * 100);
  const ci =
    p.bootstrap.low !== null && p.bootstrap.high !== null
      ? `, ${level}% CI ${signedPoints(p.bootstrap.low)} to ${signedPoints(p.bootstrap.high)}`
      : "";
  const figures = `${pct(p.a_rate ?? 0)} → ${pct(p.b_rate ?? 0)} on ${p.shared_scenarios} shared scenarios (${p.pairs} paired trials: ${p.a_only} now fail, ${p.b_only} now pass), McNemar mid-p ${formatP(p.mcnemar_mid_p)}${ci}`;
  const margin = p.diff + cmp.min_effect;
  const worse = p.significant && p.diff < 0 && margin <= 1e-12;
  let why: string;
  if (worse) why = `significantly worse by ${points(p.diff)}`;
  else if (p.significant && p.diff < 0)
    why = `significantly worse but by less than the ${points(cmp.min_effect)} that fails`;
  else if (p.significant) why = "significantly better";
  else why = `no significant difference at α ${cmp.alpha}`;
  return {
    ...base,
    label,
    status: worse ? "fail" : "pass",
    measured: p.diff,
    margin,
    detail: `${why}: ${figures}`,
  };
}

const MAX_LISTED = 30;

/** "en, de, fr" or the first 30 and a count of the rest. */
function listed(keys: readonly string[]): string {
  return keys.length <= MAX_LISTED
    ? keys.join(", ")
    : `${keys.slice(0, MAX_LISTED).join(", ")} and ${keys.length - MAX_LISTED} more`;
}

/** The closest group of the run to a policy key; languages are also matched by English name ("english" → en). */
function closestGroup(dimension: Dimension, key: string, known: readonly string[]): string | undefined {
  if (dimension !== "language") return didYouMean(key, known);
  const byName = new Map<string, string>();
  for (const tag of known) {
    byName.set(tag, tag);
    byName.set(languageName(tag), tag);
  }
  const guess = didYouMean(key, [...byName.keys()]);
  return guess === undefined ? undefined : byName.get(guess);
}

/**
 * Named intent and language groups of the policy that no trial of the run has (whatever candidate):
 * most likely a typo, which would otherwise turn the rule into a silent skip. Tiers are checked by the
 * policy schema, so an absent tier is only missing evidence.
 */
export function policyKeyProblems(analysis: Analysis, policy: GatePolicy, src?: YamlSource): Problem[] {
  const problems: Problem[] = [];
  for (const dimension of ["intent", "language"] as const) {
    const known = [
      ...new Set(analysis.candidates.flatMap((c) => c[DIMENSION_KEY[dimension]].map((g) => g.key))),
    ].sort();
    for (const key of Object.keys(policy.pass_rate[dimension])) {
      if (key === "*" || known.includes(key)) continue;
      const guess = closestGroup(dimension, key, known);
      const pos = src ? positionOf(src, ["pass_rate", dimension, key], "key") : { line: 1, col: 1 };
      problems.push({
        file: src?.file ?? "gate policy",
        ...pos,
        message: `pass_rate.${dimension}: no trial of the run has ${dimension} \`${key}\``,
        hint: `${guess ? `did you mean \`${guess}\`? ` : ""}the run's ${dimension === "intent" ? "intents" : "languages"}: ${listed(known) || "(none)"}`,
      });
    }
  }
  return sortProblems(problems);
}

/** A rule per gated candidate that fails while a run is incomplete (unless the policy allows it). */
function completenessRules(analysis: Analysis, policy: GatePolicy, gated: readonly string[], notes: string[]) {
  const incomplete = analysis.runs.filter((r) => r.status !== "complete" || r.trials < r.planned_trials);
  if (incomplete.length === 0) return [];
  const what = incomplete
    .map((r) => `run ${r.run} is ${r.status}, ${r.trials} of ${r.planned_trials} planned trials recorded`)
    .join("; ");
  if (policy.allow_incomplete) {
    notes.push(`Incomplete run allowed by the policy (allow_incomplete: true): ${what}.`);
    return [];
  }
  return gated.map(
    (candidate): RuleResult => ({
      rule: "run_complete",
      candidate,
      label: "run complete",
      status: "fail",
      on: "run_status",
      measured: null,
      threshold: 1,
      direction: "min",
      margin: null,
      detail: `${what}: finish it with \`supportbench run --resume <run-dir>\`, or set \`allow_incomplete: true\` in the policy`,
    }),
  );
}

/**
 * Check every rule of the policy for every gated candidate; the build fails when any rule fails. A
 * policy that names an intent or language no trial of the run has is bad input (an InputError).
 */
export function evaluateGate(
  analysis: Analysis,
  policy: GatePolicy,
  baseline: BaselineComparison | null = null,
  options: EvaluateGateOptions = {},
): GateResult {
  const keyProblems = policyKeyProblems(analysis, policy, options.source);
  if (keyProblems.length > 0) throw new InputError(keyProblems);
  const notes: string[] = [];
  const wanted = options.candidates?.length ? options.candidates : policy.candidates;
  const present = new Set(analysis.candidates.map((c) => c.candidate));
  for (const name of wanted ?? []) if (!present.has(name)) notes.push(`Candidate ${name} is not in the run.`);
  const gated = analysis.candidates.filter((c) => !wanted || wanted.includes(c.candidate));
  const rules: RuleResult[] = completenessRules(
    analysis,
    policy,
    gated.map((c) => c.candidate),
    notes,
  );
  for (const c of gated) {
    const ctx: Ctx = {
      candidate: c.candidate,
      policy,
      confidence: analysis.settings.confidence,
      minScenarios: analysis.settings.min_scenarios,
    };
    const pr = policy.pass_rate;
    if (pr.overall) rules.push(passRateRule(ctx, "pass_rate.overall", "pass rate, overall", c.pass, pr.overall));
    rules.push(...groupRules(ctx, c, "tier", pr.tier));
    rules.push(...groupRules(ctx, c, "intent", pr.intent));
    rules.push(...groupRules(ctx, c, "language", pr.language));
    if (policy.missed_escalation_rate) {
      const m = c.escalation;
      rules.push(
        maxRateRule(
          ctx,
          "missed_escalation_rate",
          "missed escalations",
          { count: m.counts.missed, n: m.required },
          policy.missed_escalation_rate,
          "required hand-offs missed",
        ),
      );
    }
    if (policy.error_rate) {
      rules.push(
        maxRateRule(
          ctx,
          "error_rate",
          "error rate",
          { count: c.errors.total, n: c.trials },
          policy.error_rate,
          "trials ended in an error",
        ),
      );
    }
    if (baseline) rules.push(baselineRule(ctx, baseline));
  }
  // The screen shows every rule's figure at the policy's confidence; state it when the analysis used another.
  if (policy.confidence !== undefined && policy.confidence !== analysis.settings.confidence)
    notes.push(`Intervals are at ${analysis.settings.confidence}, not the policy's ${policy.confidence}.`);
  if (baseline) {
    for (const s of baseline.changed_suites)
      notes.push(
        `Suite ${s.suite} changed since the baseline${baseline.skipped_scenarios > 0 ? "; its scenarios were left out of the paired test" : ""}: update the baseline once the change is reviewed.`,
      );
  } else if (options.baselineNote) notes.push(options.baselineNote);
  notes.push(...analysis.warnings);
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of rules) counts[r.status]++;
  if (rules.length > 0 && counts.skip === rules.length)
    notes.push("No rule could be checked: every figure lacks evidence. Add scenarios or lower min_scenarios.");
  return {
    v: GATE_RESULT_VERSION,
    passed: counts.fail === 0,
    candidates: gated.map((c) => c.candidate),
    runs: analysis.runs.map((r) => r.run),
    confidence: analysis.settings.confidence,
    min_scenarios: analysis.settings.min_scenarios,
    counts,
    rules,
    baseline,
    notes,
  };
}
