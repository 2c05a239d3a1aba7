import type { Grade } from "../graders/schema.js";
import type { ResultLine, RunMeta } from "../run/schema.js";
import { comparePaired } from "./compare.js";
import {
  dedupeByKey,
  EscalationTally,
  groupBy,
  isUnjudged,
  PassTally,
  proportion,
  resolvedByBot,
  scenarioId,
} from "./figures.js";
import { planScope, recommend } from "./planner.js";
import {
  ANALYSIS_VERSION,
  type Analysis,
  type CandidateAnalysis,
  type Cell,
  type CriterionSummary,
  type Dimension,
  type GroupRate,
  type NotJudged,
  type PairedComparison,
  type PassAtK,
  type Pool,
  PoolLevel,
  type RunSummary,
  type ScoreDistribution,
  type TopFailure,
} from "./schema.js";
import { defaultScopePolicy, type ScopePolicy } from "./scope-policy.js";
import {
  clusteredStandardError,
  mean,
  meanPassHatK,
  percentiles,
  quantileSorted,
  standardDeviation,
  zFor,
} from "./stats.js";

/** analyze(): results lines and run metadata in, the Analysis out. Pure; no I/O. */

export interface AnalyzeOptions {
  /** Planner thresholds and costs; the built-in default policy when absent. */
  policy?: ScopePolicy;
  /** Where the policy came from, recorded in the settings. */
  policySource?: string | null;
  /** Distinct scenarios a figure needs; default: the policy's `min_scenarios` (5). */
  minScenarios?: number;
  /** Interval confidence; default: the policy's (0.95). */
  confidence?: number;
  /** Significance level of the paired tests; default 0.05. */
  alpha?: number;
  bootstrapResamples?: number;
  seed?: number;
  /** A baseline run to compare each candidate with. */
  baseline?: { lines: readonly ResultLine[]; metas: readonly RunMeta[] };
  /** Failure examples kept per criterion. */
  maxExamples?: number;
  /** Highest k reported for pass^k. */
  maxK?: number;
  /** Stamped into the output; pass a clock reading, analysis never reads the clock itself. */
  generatedAt?: string | null;
}

interface Settings {
  minScenarios: number;
  confidence: number;
  alpha: number;
  resamples: number;
  seed: number;
  maxExamples: number;
  maxK: number;
}

const SCORE_ORDER = ["accuracy", "empathy", "tone", "resolution"];
const REASON_LIMIT = 300;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupRates(lines: readonly ResultLine[], dimension: Dimension, s: Settings): GroupRate[] {
  const tallies = new Map<string, PassTally>();
  for (const l of lines) {
    const key = String(l[dimension]);
    let t = tallies.get(key);
    if (!t) {
      t = new PassTally();
      tallies.set(key, t);
    }
    t.add(l);
  }
  return [...tallies.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([key, t]) => ({ dimension, key, pass: t.result(s.minScenarios, s.confidence) }));
}

type Evidence = Omit<Cell, "intent" | "language" | "tier">;

/** What the evidence tallies read from one line, worked out once however many groups it joins. */
interface LineFacts {
  line: ResultLine;
  scenario: string;
  cell: string;
  resolved: boolean;
  /** Empathy scores of the line by kind: [sum, count]. */
  judge: [number, number];
  heuristic: [number, number];
}

const cellKey = (l: Pick<ResultLine, "intent" | "language" | "tier">): string =>
  `${l.intent}\u0000${l.language}\u0000${l.tier}`;

function lineFacts(l: ResultLine): LineFacts {
  const judge: [number, number] = [0, 0];
  const heuristic: [number, number] = [0, 0];
  if (l.verdict !== "error") {
    for (const g of l.grades) {
      if (g.criterion !== "empathy" || !usableScore(g)) continue;
      const into = g.kind === "judge" ? judge : g.kind === "heuristic" ? heuristic : null;
      if (into) {
        into[0] += g.score;
        into[1]++;
      }
    }
  }
  return {
    line: l,
    scenario: scenarioId(l),
    cell: cellKey(l),
    resolved: l.verdict !== "error" && resolvedByBot(l),
    judge,
    heuristic,
  };
}

/** Running tally of the figures a decision reads, for one cell or one pool of cells. */
class EvidenceTally {
  readonly pass = new PassTally();
  readonly esc = new EscalationTally();
  readonly scenarios = new Map<string, number | null>();
  readonly cells = new Set<string>();
  trials = 0;
  errors = 0;
  cost = 0;
  resolved = 0;
  readonly judge: [number, number] = [0, 0];
  readonly heuristic: [number, number] = [0, 0];

  add(f: LineFacts): void {
    const l = f.line;
    this.trials++;
    this.cells.add(f.cell);
    this.scenarios.set(f.scenario, l.volume);
    this.cost += l.usage.cost_usd;
    this.esc.add(l);
    if (l.verdict === "error") {
      this.errors++;
      return;
    }
    this.pass.addOutcome(f.scenario, l.verdict === "pass");
    if (f.resolved) this.resolved++;
    this.judge[0] += f.judge[0];
    this.judge[1] += f.judge[1];
    this.heuristic[0] += f.heuristic[0];
    this.heuristic[1] += f.heuristic[1];
  }

  /** Empathy: the judge's mean when a judge graded any line, else the heuristic's. */
  empathy(): { value: number | null; kind: "judge" | "heuristic" | null } {
    if (this.judge[1] > 0) return { value: this.judge[0] / this.judge[1], kind: "judge" };
    if (this.heuristic[1] > 0) return { value: this.heuristic[0] / this.heuristic[1], kind: "heuristic" };
    return { value: null, kind: null };
  }

  result(s: Settings): Evidence {
    const volumes = [...this.scenarios.values()];
    const empathy = this.empathy();
    return {
      trials: this.trials,
      scenarios: this.scenarios.size,
      errors: this.errors,
      pass: this.pass.result(s.minScenarios, s.confidence),
      escalation: this.esc.result(s.confidence),
      empathy: empathy.value,
      empathy_kind: empathy.kind,
      volume: volumes.every((v) => v !== null) ? volumes.reduce((a: number, v) => a + (v ?? 0), 0) : null,
      cost_per_conversation: this.trials > 0 ? this.cost / this.trials : null,
      resolution: proportion(this.resolved, this.trials - this.errors, s.confidence),
    };
  }
}

/** What each pool level keeps of a line: the rest is pooled over. */
const POOL_KEYS: Record<PoolLevel, (l: ResultLine) => Pick<Pool, "intent" | "language" | "tier">> = {
  intent_tier: (l) => ({ intent: l.intent, language: null, tier: l.tier }),
  intent: (l) => ({ intent: l.intent, language: null, tier: null }),
  language_tier: (l) => ({ intent: null, language: l.language, tier: l.tier }),
  language: (l) => ({ intent: null, language: l.language, tier: null }),
};

/**
 * The cells and every pool of every level (so the planner can decide small cells from their intent
 * and language), in one pass over the lines.
 */
function cellsAndPools(lines: readonly ResultLine[], s: Settings): { cells: Cell[]; pools: Pool[] } {
  const cellTallies = new Map<string, { line: ResultLine; tally: EvidenceTally }>();
  const poolTallies = new Map<string, { level: PoolLevel; line: ResultLine; tally: EvidenceTally }>();
  for (const l of lines) {
    const f = lineFacts(l);
    let cell = cellTallies.get(f.cell);
    if (!cell) {
      cell = { line: l, tally: new EvidenceTally() };
      cellTallies.set(f.cell, cell);
    }
    cell.tally.add(f);
    for (const level of PoolLevel.options) {
      const k = POOL_KEYS[level](l);
      const key = `${level}\u0000${k.intent}\u0000${k.language}\u0000${k.tier}`;
      let pool = poolTallies.get(key);
      if (!pool) {
        pool = { level, line: l, tally: new EvidenceTally() };
        poolTallies.set(key, pool);
      }
      pool.tally.add(f);
    }
  }
  const cells: Cell[] = [...cellTallies.values()]
    .map(({ line, tally }) => ({ intent: line.intent, language: line.language, tier: line.tier, ...tally.result(s) }))
    .sort((a, b) => compareStrings(a.intent, b.intent) || compareStrings(a.language, b.language) || a.tier - b.tier);
  const text = (v: string | null): string => v ?? "";
  const pools: Pool[] = [...poolTallies.values()]
    .map(({ level, line, tally }) => ({
      level,
      ...POOL_KEYS[level](line),
      cells: tally.cells.size,
      ...tally.result(s),
    }))
    .sort(
      (a, b) =>
        PoolLevel.options.indexOf(a.level) - PoolLevel.options.indexOf(b.level) ||
        compareStrings(text(a.intent), text(b.intent)) ||
        compareStrings(text(a.language), text(b.language)) ||
        (a.tier ?? 0) - (b.tier ?? 0),
    );
  return { cells, pools };
}

function passK(lines: readonly ResultLine[], maxK: number): PassAtK[] {
  const perScenario = new Map<string, { passes: number; n: number }>();
  for (const l of lines) {
    if (l.verdict === "error") continue;
    const id = scenarioId(l);
    const s = perScenario.get(id) ?? { passes: 0, n: 0 };
    s.n++;
    if (l.verdict === "pass") s.passes++;
    perScenario.set(id, s);
  }
  let top = 0;
  for (const s of perScenario.values()) top = Math.max(top, s.n);
  const values = [...perScenario.values()];
  const out: PassAtK[] = [];
  for (let k = 1; k <= Math.min(top, maxK); k++) out.push({ k, ...meanPassHatK(values, k) });
  return out;
}

function scenarioPass(lines: readonly ResultLine[], s: Settings) {
  const all = new Map<string, boolean>();
  for (const l of lines) {
    if (l.verdict === "error") continue;
    const id = scenarioId(l);
    all.set(id, (all.get(id) ?? true) && l.verdict === "pass");
  }
  const tally = new PassTally();
  for (const [id, pass] of all) tally.addOutcome(id, pass);
  return tally.result(s.minScenarios, s.confidence);
}

/** A score to count: no grader error, a number, and not a "not judged" placeholder. */
function usableScore(g: Grade): boolean {
  return g.error === undefined && Number.isFinite(g.score) && !isUnjudged(g);
}

function histogram(values: readonly number[], scale: [number, number]): ScoreDistribution["histogram"] {
  const [lo, hi] = scale;
  const integer = Number.isInteger(lo) && Number.isInteger(hi) && hi - lo <= 10 && hi > lo;
  if (integer) {
    const bins = Array.from({ length: hi - lo + 1 }, (_, i) => ({ from: lo + i, to: lo + i, count: 0 }));
    for (const v of values) {
      const i = Math.min(bins.length - 1, Math.max(0, Math.round(v) - lo));
      bins[i]!.count++;
    }
    return bins;
  }
  const width = (hi - lo) / 10 || 1;
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count: 0 }));
  for (const v of values) {
    const i = Math.min(9, Math.max(0, Math.floor((v - lo) / width)));
    bins[i]!.count++;
  }
  return bins;
}

/** Distributions of the scored (judged or heuristic) criteria, split by kind so heuristic stays labelled. */
function scoreDistributions(lines: readonly ResultLine[]): ScoreDistribution[] {
  const groups = new Map<
    string,
    { criterion: string; kind: Grade["kind"]; scale: [number, number]; values: number[] }
  >();
  for (const l of lines) {
    if (l.verdict === "error") continue;
    for (const g of l.grades) {
      if (g.kind === "deterministic" || !usableScore(g)) continue;
      const key = `${g.criterion}\u0000${g.kind}`;
      let entry = groups.get(key);
      if (!entry) {
        entry = { criterion: g.criterion, kind: g.kind, scale: g.scale ?? [0, 1], values: [] };
        groups.set(key, entry);
      }
      entry.values.push(g.score);
    }
  }
  const rank = (c: string) => {
    const i = SCORE_ORDER.indexOf(c);
    return i < 0 ? SCORE_ORDER.length : i;
  };
  return [...groups.values()]
    .sort(
      (a, b) =>
        rank(a.criterion) - rank(b.criterion) ||
        compareStrings(a.criterion, b.criterion) ||
        compareStrings(a.kind, b.kind),
    )
    .map((e) => {
      const sorted = Float64Array.from(e.values).sort();
      return {
        criterion: e.criterion,
        kind: e.kind,
        scale: e.scale,
        n: e.values.length,
        mean: mean(e.values),
        sd: standardDeviation(e.values),
        p50: sorted.length > 0 ? quantileSorted(sorted, 0.5) : null,
        histogram: histogram(e.values, e.scale),
      };
    });
}

function criteriaOf(lines: readonly ResultLine[], confidence: number): CriterionSummary[] {
  const groups = new Map<string, CriterionSummary>();
  for (const l of lines) {
    if (l.verdict === "error") continue;
    for (const g of l.grades) {
      if (isUnjudged(g)) continue;
      const key = `${g.criterion}\u0000${g.kind}`;
      let c = groups.get(key);
      if (!c) {
        c = {
          criterion: g.criterion,
          kind: g.kind,
          hard: false,
          graded: 0,
          passed: 0,
          failed: 0,
          undecided: 0,
          errors: 0,
          pass: proportion(0, 0, confidence),
        };
        groups.set(key, c);
      }
      c.graded++;
      c.hard ||= g.hard;
      if (g.error !== undefined) c.errors++;
      else if (g.pass === true) c.passed++;
      else if (g.pass === false) c.failed++;
      else c.undecided++;
    }
  }
  return [...groups.values()]
    .map((c) => ({ ...c, pass: proportion(c.passed, c.passed + c.failed, confidence) }))
    .sort((a, b) => Number(b.hard) - Number(a.hard) || compareStrings(a.criterion, b.criterion));
}

/** The "not judged" placeholders per criterion: how many, in how many graded trials. */
function notJudged(lines: readonly ResultLine[]): NotJudged[] {
  const groups = new Map<string, { grades: number; trials: number }>();
  for (const l of lines) {
    if (l.verdict === "error") continue;
    const seen = new Set<string>();
    for (const g of l.grades) {
      if (!isUnjudged(g)) continue;
      const entry = groups.get(g.criterion) ?? { grades: 0, trials: 0 };
      entry.grades++;
      if (!seen.has(g.criterion)) entry.trials++;
      seen.add(g.criterion);
      groups.set(g.criterion, entry);
    }
  }
  return [...groups.entries()]
    .map(([criterion, e]) => ({ criterion, ...e }))
    .sort((a, b) => compareStrings(a.criterion, b.criterion));
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function topFailures(lines: readonly ResultLine[], maxExamples: number): TopFailure[] {
  const groups = new Map<
    string,
    { count: number; grades: number; scenarios: Set<string>; examples: TopFailure["examples"] }
  >();
  for (const l of lines) {
    if (l.verdict !== "fail") continue;
    const counted = new Set<string>();
    for (const g of l.grades) {
      if (g.pass !== false) continue;
      let entry = groups.get(g.criterion);
      if (!entry) {
        entry = { count: 0, grades: 0, scenarios: new Set(), examples: [] };
        groups.set(g.criterion, entry);
      }
      entry.grades++;
      // A trial counts once per criterion, however many of its facts or actions failed.
      if (!counted.has(g.criterion)) entry.count++;
      counted.add(g.criterion);
      const id = scenarioId(l);
      // One example per scenario, so the list shows breadth rather than one scenario's repeats.
      if (!entry.scenarios.has(id) && entry.examples.length < maxExamples) {
        entry.examples.push({
          key: l.key,
          suite: l.suite,
          scenario: l.scenario,
          trial: l.trial,
          reason: truncate(g.reason, REASON_LIMIT),
        });
      }
      entry.scenarios.add(id);
    }
  }
  return [...groups.entries()]
    .map(([criterion, e]) => ({
      criterion,
      count: e.count,
      grades: e.grades,
      scenarios: e.scenarios.size,
      examples: e.examples,
    }))
    .sort((a, b) => b.count - a.count || b.grades - a.grades || compareStrings(a.criterion, b.criterion))
    .slice(0, 10);
}

function candidateAnalysis(candidate: string, lines: readonly ResultLine[], s: Settings): CandidateAnalysis {
  const pass = new PassTally();
  const esc = new EscalationTally();
  const allScenarios = new Set<string>();
  const errorsByKind: Record<string, number> = {};
  let errors = 0;
  let cost = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let calls = 0;
  let cachedCalls = 0;
  let resolved = 0;
  const conversationMs: number[] = [];
  const turnMs: number[] = [];
  const units: { cluster: string; y: number }[] = [];
  for (const l of lines) {
    pass.add(l);
    esc.add(l);
    allScenarios.add(scenarioId(l));
    cost += l.usage.cost_usd;
    inputTokens += l.usage.input_tokens;
    outputTokens += l.usage.output_tokens;
    calls += l.usage.calls;
    cachedCalls += l.usage.cached_calls;
    conversationMs.push(l.latency_ms);
    for (const e of l.transcript) if (e.type === "bot") turnMs.push(e.latency_ms);
    if (l.verdict === "error") {
      errors++;
      const kind = l.error?.kind ?? "unknown";
      errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
      continue;
    }
    if (resolvedByBot(l)) resolved++;
    units.push({ cluster: l.intent, y: l.verdict === "pass" ? 1 : 0 });
  }
  const passRate = pass.result(s.minScenarios, s.confidence);
  const cse = passRate.sufficient ? clusteredStandardError(units) : null;
  const z = zFor(s.confidence);
  return {
    candidate,
    trials: lines.length,
    graded: pass.n,
    scenarios: allScenarios.size,
    pass: passRate,
    scenario_pass: scenarioPass(lines, s),
    clustered: {
      se: cse?.se ?? null,
      naive_se: cse?.naiveSe ?? null,
      clusters: new Set(units.map((u) => u.cluster)).size,
      design_effect: cse && cse.naiveSe > 0 ? (cse.se / cse.naiveSe) ** 2 : null,
      low: cse ? Math.max(0, cse.mean - z * cse.se) : null,
      high: cse ? Math.min(1, cse.mean + z * cse.se) : null,
    },
    pass_k: passK(lines, s.maxK),
    by_intent: groupRates(lines, "intent", s),
    by_language: groupRates(lines, "language", s),
    by_tier: groupRates(lines, "tier", s),
    ...cellsAndPools(lines, s),
    escalation: esc.result(s.confidence),
    scores: scoreDistributions(lines),
    criteria: criteriaOf(lines, s.confidence),
    not_judged: notJudged(lines),
    cost: {
      total_usd: cost,
      per_conversation: lines.length > 0 ? cost / lines.length : null,
      per_resolved: resolved > 0 ? cost / resolved : null,
      resolved,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      calls,
      cached_calls: cachedCalls,
    },
    latency: { conversation_ms: percentiles(conversationMs), bot_turn_ms: percentiles(turnMs) },
    errors: { total: errors, rate: lines.length > 0 ? errors / lines.length : null, by_kind: errorsByKind },
    top_failures: topFailures(lines, s.maxExamples),
  };
}

function runSummaries(metas: readonly RunMeta[], lines: readonly ResultLine[], warnings: string[]): RunSummary[] {
  const counts = new Map<string, number>();
  const judged = new Map<string, number>();
  for (const l of lines) {
    counts.set(l.run, (counts.get(l.run) ?? 0) + 1);
    if (l.grades.some((g) => g.kind === "judge" && !isUnjudged(g))) judged.set(l.run, (judged.get(l.run) ?? 0) + 1);
  }
  const judgeUsage = (m: RunMeta): RunSummary["judge_usage"] => {
    if (!m.judge_usage) return undefined;
    const n = judged.get(m.run) ?? 0;
    const tokens = m.judge_usage.input_tokens + m.judge_usage.output_tokens;
    return {
      ...m.judge_usage,
      judged_trials: n,
      tokens_per_trial: n > 0 ? tokens / n : null,
      cost_per_trial: n > 0 ? m.judge_usage.cost_usd / n : null,
    };
  };
  const out: RunSummary[] = metas.map((m) => ({
    run: m.run,
    status: m.status,
    started_at: m.started_at,
    ended_at: m.ended_at,
    package_version: m.package_version,
    git_commit: m.git_commit,
    judge: m.judge,
    candidates: m.candidates,
    planned_trials: m.planned_trials,
    trials: counts.get(m.run) ?? 0,
    ...(m.judge_usage ? { judge_usage: judgeUsage(m) } : {}),
    ...(m.selftest !== undefined ? { selftest: m.selftest } : {}),
    ...(m.calibration !== undefined ? { calibration: m.calibration } : {}),
  }));
  for (const m of out) {
    if (m.status !== "complete")
      warnings.push(`Run ${m.run} is ${m.status}: figures cover the trials recorded so far.`);
    else if (m.trials < m.planned_trials) {
      warnings.push(`Run ${m.run} recorded ${m.trials} of ${m.planned_trials} planned trials.`);
    }
  }
  const known = new Set(metas.map((m) => m.run));
  for (const run of counts.keys()) {
    if (!known.has(run)) warnings.push(`Lines of run ${run} have no run.json; its metadata is unknown.`);
  }
  return out;
}

function candidateOrder(lines: readonly ResultLine[], metas: readonly RunMeta[]): string[] {
  const seen = new Set<string>();
  for (const m of metas) for (const c of m.candidates) seen.add(c);
  const present = new Set(lines.map((l) => l.candidate));
  const ordered = [...seen].filter((c) => present.has(c));
  for (const c of present) if (!seen.has(c)) ordered.push(c);
  return ordered;
}

function resolveSettings(options: AnalyzeOptions, policy: ScopePolicy): Settings {
  return {
    minScenarios: options.minScenarios ?? policy.min_scenarios,
    confidence: options.confidence ?? policy.confidence,
    alpha: options.alpha ?? 0.05,
    resamples: options.bootstrapResamples ?? 2000,
    seed: options.seed ?? 20260115,
    maxExamples: options.maxExamples ?? 3,
    maxK: options.maxK ?? 8,
  };
}

function baselineComparisons(
  current: Map<string, ResultLine[]>,
  baseline: Map<string, ResultLine[]>,
  s: Settings,
  warnings: string[],
): PairedComparison[] {
  const out: PairedComparison[] = [];
  const only = baseline.size === 1 ? [...baseline.keys()][0]! : null;
  for (const [candidate, lines] of current) {
    const counterpart = baseline.has(candidate) ? candidate : only;
    if (counterpart === null) {
      warnings.push(`No baseline for ${candidate}: the baseline has several candidates and none of that name.`);
      continue;
    }
    out.push(comparePaired(baseline.get(counterpart)!, lines, { a: counterpart, b: candidate, source: "baseline" }, s));
    const last = out.at(-1)!;
    if (last.shared_scenarios === 0) warnings.push(`${candidate} shares no scenario with its baseline ${counterpart}.`);
  }
  return out;
}

/** Analyse results lines (deduplicated by key, last wins) with their run metadata. */
export function analyze(
  rawLines: readonly ResultLine[],
  metas: readonly RunMeta[],
  options: AnalyzeOptions = {},
): Analysis {
  const policy = options.policy ?? defaultScopePolicy();
  const s = resolveSettings(options, policy);
  const warnings: string[] = [];
  const { lines, dropped } = dedupeByKey(rawLines);
  if (dropped > 0) warnings.push(`${dropped} repeated trial lines (same key) were replaced by their last version.`);
  const byCandidate = groupBy(lines, (l) => l.candidate);
  const order = candidateOrder(lines, metas);
  const candidates = order.map((c) => candidateAnalysis(c, byCandidate.get(c) ?? [], s));
  const ordered = new Map(order.map((c) => [c, byCandidate.get(c) ?? []]));

  const comparisons: PairedComparison[] = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const a = order[i]!;
      const b = order[j]!;
      comparisons.push(comparePaired(ordered.get(a)!, ordered.get(b)!, { a, b, source: "candidates" }, s));
    }
  }

  let baseline: PairedComparison[] = [];
  let baselineRuns: RunSummary[] = [];
  if (options.baseline) {
    const deduped = dedupeByKey(options.baseline.lines).lines;
    baselineRuns = runSummaries(options.baseline.metas, deduped, []);
    baseline = baselineComparisons(
      ordered,
      groupBy(deduped, (l) => l.candidate),
      s,
      warnings,
    );
  }

  for (const c of candidates) {
    if (c.errors.rate !== null && c.errors.rate > 0.05) {
      warnings.push(
        `${c.candidate}: ${(c.errors.rate * 100).toFixed(1)}% of trials ended in errors; they are left out of pass rates.`,
      );
    }
    const judged = c.scores.some((d) => d.kind === "judge") || c.criteria.some((x) => x.kind === "judge");
    if (c.scores.some((d) => d.kind === "heuristic") && !judged) {
      warnings.push(`${c.candidate}: judged criteria were scored by the offline heuristic, not by a judge model.`);
    }
    if (c.not_judged.length > 0) {
      const grades = c.not_judged.reduce((t, x) => t + x.grades, 0);
      const what = c.not_judged.map((x) => `${x.criterion} ${x.grades}`).join(", ");
      warnings.push(
        `${c.candidate}: ${grades} judged checks (${what}) were not judged: the run had no judge (run or grade with --judge). They count neither as passes nor as failures.`,
      );
    }
  }

  // The planner reads the same evidence rule the cells were computed with.
  const effective = { ...policy, min_scenarios: s.minScenarios, confidence: s.confidence };
  const scope = candidates.map((c) => planScope(c, effective));
  const { recommended, recommendation, sentences } = recommend(candidates, scope, comparisons, effective);
  const runs = runSummaries(metas, lines, warnings);
  return {
    v: ANALYSIS_VERSION,
    generated_at: options.generatedAt ?? null,
    settings: {
      min_scenarios: s.minScenarios,
      confidence: s.confidence,
      alpha: s.alpha,
      bootstrap_resamples: s.resamples,
      seed: s.seed,
      errors: "excluded",
      policy: options.policySource ?? null,
    },
    runs,
    baseline_runs: baselineRuns,
    totals: {
      lines: lines.length,
      candidates: order.length,
      scenarios: new Set(lines.map(scenarioId)).size,
      intents: new Set(lines.map((l) => l.intent)).size,
      languages: new Set(lines.map((l) => l.language)).size,
    },
    candidates,
    comparisons,
    baseline,
    scope,
    recommended,
    recommendation,
    recommendation_sentences: sentences,
    warnings,
  };
}
