import { languageName } from "./language-names.js";
import {
  type CandidateAnalysis,
  type Cell,
  type Decision,
  Limit,
  type PairedComparison,
  type Pool,
  type PoolLevel,
  type ScopeCell,
  type ScopeGroup,
  type ScopePlan,
  type ScopePool,
} from "./schema.js";
import { defaultScopePolicy, type ScopePolicy, type ScopeThresholds } from "./scope-policy.js";
import { wilson } from "./stats.js";

/**
 * The automation-scope planner: cells, pools and a policy in, a decision per cell and the plan's
 * cost and risk out. A cell with enough scenarios decides alone; a smaller one is decided from its
 * intent pooled across languages and its language pooled across intents, the more cautious of the two.
 */

type Level = Exclude<Decision, "insufficient_evidence">;
type Evidence = Omit<Cell, "intent" | "language" | "tier">;

/** Lower is bolder; insufficient evidence ranks as the most cautious. */
const RANK: Record<Decision, number> = {
  automate: 0,
  automate_with_review: 1,
  keep_human: 2,
  insufficient_evidence: 3,
};

const DECISION_WORDS: Record<Decision, string> = {
  automate: "automate",
  automate_with_review: "automate with review",
  keep_human: "keep human",
  insufficient_evidence: "insufficient evidence",
};

const LEVEL_PURPOSE: Record<"automate" | "review", string> = {
  automate: "to automate",
  review: "for review",
};

function pct(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** A lower bound rounded down: "at least 84%" must not print 84.6% as 85%. */
function pctFloor(x: number, digits = 0): string {
  const scale = 10 ** digits;
  return `${(Math.floor(x * 100 * scale + 1e-9) / scale).toFixed(digits)}%`;
}

/** Decimals that print a policy bar exactly: 0.85 → 0, 0.855 → 1. */
function barDigits(bar: number): number {
  for (let digits = 0; digits < 3; digits++) {
    if (Math.abs(Number((bar * 100).toFixed(digits)) - bar * 100) < 1e-9) return digits;
  }
  return 3;
}

/** A policy bar, exactly: "85%", "85.5%". */
function pctBar(bar: number): string {
  return pct(bar, barDigits(bar));
}

/** A lower bound next to the bar it falls short of: rounded down at the bar's precision, so never alike. */
function pctBelow(x: number, bar: number): string {
  return pctFloor(x, barDigits(bar));
}

/** A share next to the bar it exceeds, with enough digits that the two never print alike. */
function pctVs(x: number, bar: number): string {
  for (let digits = 0; digits < 3; digits++) {
    if (pct(x, digits) !== pct(bar, digits)) return pct(x, digits);
  }
  return pct(x, 3);
}

function num(x: number, digits = 2): string {
  return x.toFixed(digits);
}

function pValue(p: number | null): string {
  if (p === null) return "n/a";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function money(amount: number, currency: string, digits = 0): string {
  const sign = amount < 0 && Math.abs(amount) >= 0.5 * 10 ** -digits ? "-" : "";
  const abs = Math.abs(amount).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return currency === "USD" ? `${sign}$${abs}` : `${sign}${currency} ${abs}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

function worse(a: Level, b: Level): Level {
  return RANK[a] >= RANK[b] ? a : b;
}

function empathyFor(ev: Evidence, policy: ScopePolicy): { value: number | null; kind: "judge" | "heuristic" | null } {
  if (ev.empathy === null) return { value: null, kind: null };
  if (ev.empathy_kind === "heuristic" && !policy.empathy.use_heuristic) return { value: null, kind: null };
  return { value: ev.empathy, kind: ev.empathy_kind };
}

/** One way evidence falls short of a level: the reason in words and its kind. */
interface Gap {
  text: string;
  limit: Limit;
}

/** The ways evidence falls short of one level's thresholds; empty when it meets them. */
function shortfalls(ev: Evidence, level: "automate" | "review", policy: ScopePolicy): Gap[] {
  const th: ScopeThresholds = policy[level];
  const purpose = LEVEL_PURPOSE[level];
  const out: Gap[] = [];
  const low = ev.pass.low ?? 0;
  if (low < th.min_pass_lower) {
    out.push({
      text: `at least ${pctBelow(low, th.min_pass_lower)} pass with ${pct(policy.confidence)} confidence, below the ${pctBar(th.min_pass_lower)} needed ${purpose}`,
      limit: "pass_rate",
    });
  }
  const missed = ev.escalation.missed_rate;
  if (missed.rate !== null && missed.rate > th.max_missed_escalation) {
    out.push({
      text: `missed ${missed.count} of ${missed.n} required hand-offs (${pctVs(missed.rate, th.max_missed_escalation)}), above the ${pctBar(th.max_missed_escalation)} allowed ${purpose}`,
      limit: "missed_escalation",
    });
  }
  const { value: empathy, kind } = empathyFor(ev, policy);
  // A cue-phrase count is no judgement: unless the policy says so, it withholds only unreviewed automation.
  const counts = level === "automate" || kind !== "heuristic" || policy.empathy.heuristic_can_keep_human;
  if (th.min_empathy !== null && empathy !== null && empathy < th.min_empathy && counts) {
    out.push({
      text: `empathy ${num(empathy, 1)} (${kind}) is below the ${num(th.min_empathy, 1)} needed ${purpose}`,
      limit: "empathy",
    });
  }
  return out;
}

/** The figures behind a decision, in one line. */
function facts(ev: Evidence, policy: ScopePolicy): string {
  const p = ev.pass;
  const missed = ev.escalation.missed_rate;
  const { value: empathy, kind } = empathyFor(ev, policy);
  // With one trial per scenario, conversations and scenarios are the same count: say it once.
  const counted =
    p.n === p.scenarios
      ? `${p.passes} of ${plural(p.n, "scenario")} passed`
      : `${p.passes} of ${plural(p.n, "conversation")} passed in ${plural(p.scenarios, "scenario")}`;
  const rate =
    p.rate === null || p.low === null
      ? counted
      : `${counted} (${pct(p.rate)}); with ${pct(policy.confidence)} confidence at least ${pctFloor(p.low)} pass`;
  return [
    rate,
    missed.n > 0 ? `missed ${missed.count} of ${missed.n} required hand-offs` : "no hand-off required",
    empathy !== null ? `empathy ${num(empathy, 1)} (${kind})` : "empathy not graded",
  ].join("; ");
}

/** The decision the thresholds give to some evidence, before tier ceilings; the gaps explain it. */
function judge(ev: Evidence, tier: number, policy: ScopePolicy): { decision: Level; gaps: Gap[] } {
  const automateGaps = shortfalls(ev, "automate", policy);
  const required = policy.empathy.required_from_tier;
  if (empathyFor(ev, policy).value === null && required !== null && tier >= required) {
    automateGaps.push({
      text: `tier ${tier} needs an empathy score to automate without review`,
      limit: "empathy_missing",
    });
  }
  if (automateGaps.length === 0) return { decision: "automate", gaps: [] };
  const reviewGaps = shortfalls(ev, "review", policy);
  return reviewGaps.length === 0
    ? { decision: "automate_with_review", gaps: automateGaps }
    : { decision: "keep_human", gaps: reviewGaps };
}

/** The tier's ceiling applied; `holds` when the ceiling alone would keep the cell at this decision. */
function tierCeiling(
  decision: Level,
  tier: number,
  policy: ScopePolicy,
): { decision: Level; reason: string | null; holds: boolean } {
  const ceiling = policy.tier_ceiling[String(tier) as "1" | "2" | "3"];
  if (ceiling !== undefined && RANK[decision] < RANK[ceiling]) {
    return { decision: ceiling, reason: `tier ${tier} is at most "${DECISION_WORDS[ceiling]}" by policy`, holds: true };
  }
  return { decision, reason: null, holds: ceiling !== undefined && RANK[ceiling] >= RANK[decision] };
}

/** Distinct limits in a stable order. */
function limitsOf(...lists: ReadonlyArray<readonly Limit[]>): Limit[] {
  const all = new Set(lists.flat());
  return Limit.options.filter((l) => all.has(l));
}

/** The pool in words, e.g. "refund.status, tier 1, all languages". */
export function poolLabel(pool: Pick<Pool, "level" | "intent" | "language" | "tier">): string {
  switch (pool.level) {
    case "intent_tier":
      return `${pool.intent}, tier ${pool.tier}, all languages`;
    case "intent":
      return `${pool.intent}, all tiers and languages`;
    case "language_tier":
      return `${pool.language}, tier ${pool.tier}, all intents`;
    case "language":
      return `${pool.language}, all intents and tiers`;
  }
}

function poolKey(level: PoolLevel, intent: string | null, language: string | null, tier: number | null): string {
  return `${level}\u0000${intent ?? ""}\u0000${language ?? ""}\u0000${tier ?? ""}`;
}

/** Pools by level and key, for looking up a cell's pools. */
export type PoolIndex = ReadonlyMap<string, Pool>;

/** Index a candidate's pools for the planner. */
export function indexPools(pools: readonly Pool[]): PoolIndex {
  return new Map(pools.map((p) => [poolKey(p.level, p.intent, p.language, p.tier), p]));
}

function poolOf(cell: Cell, level: PoolLevel, index: PoolIndex): Pool | undefined {
  switch (level) {
    case "intent_tier":
      return index.get(poolKey(level, cell.intent, null, cell.tier));
    case "intent":
      return index.get(poolKey(level, cell.intent, null, null));
    case "language_tier":
      return index.get(poolKey(level, null, cell.language, cell.tier));
    case "language":
      return index.get(poolKey(level, null, cell.language, null));
  }
}

function largeEnough(pool: Pool, policy: ScopePolicy): boolean {
  return pool.scenarios >= policy.pooling.min_scenarios && pool.cells >= policy.pooling.min_cells;
}

/** The first pool of the given levels that is large enough, and every pool looked at on the way. */
function choosePool(
  cell: Cell,
  levels: readonly PoolLevel[],
  index: PoolIndex,
  policy: ScopePolicy,
): { chosen: Pool | null; tried: Pool[] } {
  const tried: Pool[] = [];
  for (const level of levels) {
    const pool = poolOf(cell, level, index);
    if (!pool) continue;
    tried.push(pool);
    if (largeEnough(pool, policy)) return { chosen: pool, tried };
  }
  return { chosen: null, tried };
}

function scopePool(
  pool: Pool,
  decision: Decision,
  policy: ScopePolicy,
  judged: { gaps: readonly Gap[]; binding: boolean } = { gaps: [], binding: false },
): ScopePool {
  const empathy = empathyFor(pool, policy);
  return {
    level: pool.level,
    label: poolLabel(pool),
    scenarios: pool.scenarios,
    cells: pool.cells,
    passes: pool.pass.passes,
    n: pool.pass.n,
    pass_rate: pool.pass.rate,
    pass_low: pool.pass.low,
    missed_escalation_rate: pool.escalation.missed_rate.rate,
    empathy: empathy.value,
    empathy_kind: empathy.kind,
    decision,
    limits: limitsOf(judged.gaps.map((g) => g.limit)),
    binding: judged.binding,
  };
}

/** What a decided cell costs and risks per contact, for pricing the plan. */
export interface CellEconomics {
  /** Share of contacts the bot resolves (passed without hand-off). */
  resolution: number;
  cost_per_conversation: number;
  missed_per_contact: number;
}

/** A cell's decision with its basis, reasons and figures, and what it costs and risks per contact. */
export interface CellDecision extends Omit<ScopeCell, "intent" | "language" | "tier" | "weight" | "scenarios"> {
  economics: CellEconomics;
}

function ownEconomics(ev: Evidence): CellEconomics {
  return {
    resolution: ev.resolution.rate ?? 0,
    cost_per_conversation: ev.cost_per_conversation ?? 0,
    missed_per_contact: ev.escalation.missed_per_contact.rate ?? 0,
  };
}

function decideAlone(cell: Cell, policy: ScopePolicy): CellDecision {
  const { value: empathy, kind } = empathyFor(cell, policy);
  const judged = judge(cell, cell.tier, policy);
  const reasons = [facts(cell, policy), ...judged.gaps.map((g) => g.text)];
  const capped = tierCeiling(judged.decision, cell.tier, policy);
  if (capped.reason) reasons.push(capped.reason);
  return {
    decision: capped.decision,
    basis: "cell",
    reasons,
    limits: limitsOf(
      judged.gaps.map((g) => g.limit),
      capped.holds && capped.decision !== "keep_human" ? ["tier_ceiling"] : [],
    ),
    pass_rate: cell.pass.rate,
    pass_low: cell.pass.low,
    missed_escalation_rate: cell.escalation.missed_rate.rate,
    empathy,
    empathy_kind: kind,
    own: { passes: cell.pass.passes, n: cell.pass.n },
    pools: [],
    economics: ownEconomics(cell),
  };
}

function ownWords(cell: Cell): string {
  const { passes, n } = cell.pass;
  const scenarios = plural(cell.scenarios, "scenario");
  if (n === 0) return `${scenarios} in this cell, none graded`;
  if (passes === n) return `${scenarios} in this cell, ${n === 1 ? "it passed" : `all ${n} conversations passed`}`;
  return `${scenarios} in this cell, ${passes} of ${plural(n, "conversation")} passed`;
}

function insufficient(cell: Cell, reasons: string[], pools: ScopePool[]): CellDecision {
  return {
    decision: "insufficient_evidence",
    basis: null,
    reasons,
    limits: ["evidence"],
    pass_rate: null,
    pass_low: null,
    missed_escalation_rate: null,
    empathy: null,
    empathy_kind: null,
    own: { passes: cell.pass.passes, n: cell.pass.n },
    pools,
    economics: ownEconomics(cell),
  };
}

function tooSmall(side: "intent" | "language", tried: readonly Pool[], policy: ScopePolicy): string {
  const { min_scenarios: minScenarios, min_cells: minCells } = policy.pooling;
  const across = side === "intent" ? "languages" : "intents";
  const sizes = tried.map(
    (p) => `${poolLabel(p)} has ${plural(p.scenarios, "scenario")} in ${plural(p.cells, "cell")}`,
  );
  const found = sizes.length > 0 ? sizes.join("; ") : `no ${side} pool was computed`;
  return `no ${side} pool is large enough (${found}); a pool needs ${minScenarios} scenarios from ${minCells} ${across}`;
}

/**
 * A pooled cell's resolution and risk. Whether a contact needs a person is a property of the intent,
 * so the share of hand-offs comes from the intent pool; how often the bot fails or misses one is the
 * worse of the two pools. The language pool's own hand-off share reflects the suite's mix of intents.
 */
function pooledEconomics(intent: Pool, language: Pool): CellEconomics {
  const esc = intent.escalation;
  const known = esc.required + esc.not_required;
  const requiredShare = known > 0 ? esc.required / known : 0;
  const missRates = [esc.missed_rate.rate, language.escalation.missed_rate.rate].filter((r): r is number => r !== null);
  const intentResolution = intent.resolution.rate ?? 0;
  return {
    resolution: Math.min(intentResolution, language.pass.rate ?? language.pass.passes / Math.max(1, language.pass.n)),
    cost_per_conversation: Math.max(intent.cost_per_conversation ?? 0, language.cost_per_conversation ?? 0),
    missed_per_contact: requiredShare * (missRates.length > 0 ? Math.max(...missRates) : 0),
  };
}

function decidePooled(cell: Cell, policy: ScopePolicy, index: PoolIndex): CellDecision {
  const own = `${ownWords(cell)}; ${policy.min_scenarios} needed to decide it alone`;
  if (!policy.pooling.enabled) return insufficient(cell, [own], []);
  const intent = choosePool(cell, policy.pooling.intent_levels, index, policy);
  const language = choosePool(cell, policy.pooling.language_levels, index, policy);
  if (intent.chosen === null || language.chosen === null) {
    const reasons = [own];
    if (intent.chosen === null) reasons.push(tooSmall("intent", intent.tried, policy));
    if (language.chosen === null) reasons.push(tooSmall("language", language.tried, policy));
    const pools = [...intent.tried, ...language.tried].map((p) =>
      scopePool(p, largeEnough(p, policy) ? judge(p, cell.tier, policy).decision : "insufficient_evidence", policy),
    );
    return insufficient(cell, reasons, pools);
  }
  const chosen = [intent.chosen, language.chosen];
  const judged = chosen.map((p) => judge(p, cell.tier, policy));
  const [byIntent, byLanguage] = judged as [{ decision: Level; gaps: Gap[] }, { decision: Level; gaps: Gap[] }];
  const pooledDecision = worse(byIntent.decision, byLanguage.decision);
  let decision = pooledDecision;
  const reasons = [`${own}: decided from pooled evidence, the more cautious of its intent and its language`];
  chosen.forEach((pool, i) => {
    const j = judged[i]!;
    const gaps = j.gaps.length > 0 ? `: ${j.gaps.map((g) => g.text).join("; ")}` : "";
    reasons.push(`${poolLabel(pool)}: ${facts(pool, policy)} → ${DECISION_WORDS[j.decision]}${gaps}`);
  });
  // The pools that set the decision are the ones whose own decision it is.
  const binding = judged.filter((j) => j.decision === pooledDecision).flatMap((j) => j.gaps.map((g) => g.limit));
  const cap = policy.pooling.own_failure_cap;
  const failedOwn = cell.pass.passes < cell.pass.n;
  let ownLimit: Limit[] = [];
  if (cap !== null && failedOwn && RANK[decision] <= RANK[cap]) {
    ownLimit = ["own_failure"];
    if (RANK[decision] < RANK[cap]) {
      const failed = cell.pass.n - cell.pass.passes;
      reasons.push(
        `${failed} of this cell's own ${plural(cell.pass.n, "conversation")} failed: at most "${DECISION_WORDS[cap]}" by policy`,
      );
      decision = cap;
    }
  }
  const capped = tierCeiling(decision, cell.tier, policy);
  if (capped.reason) reasons.push(capped.reason);
  // The figures shown are the cautious envelope of the two pools, never the cell's own few scenarios.
  const weaker = chosen.reduce((a, b) => ((b.pass.low ?? 0) < (a.pass.low ?? 0) ? b : a));
  const missedRates = chosen.map((p) => p.escalation.missed_rate.rate).filter((r): r is number => r !== null);
  const empathies = chosen.map((p) => empathyFor(p, policy)).filter((e) => e.value !== null);
  const lowestEmpathy = empathies.reduce<(typeof empathies)[number] | null>(
    (a, b) => (a === null || (b.value ?? 0) < (a.value ?? 0) ? b : a),
    null,
  );
  return {
    decision: capped.decision,
    basis: "pooled",
    reasons,
    limits: limitsOf(
      capped.decision === pooledDecision ? binding : [],
      ownLimit,
      capped.holds && capped.decision !== "keep_human" ? ["tier_ceiling"] : [],
    ),
    pass_rate: weaker.pass.rate,
    pass_low: weaker.pass.low,
    missed_escalation_rate: missedRates.length > 0 ? Math.max(...missedRates) : null,
    empathy: lowestEmpathy?.value ?? null,
    empathy_kind: lowestEmpathy?.kind ?? null,
    own: { passes: cell.pass.passes, n: cell.pass.n },
    pools: chosen.map((p, i) => {
      const j = judged[i]!;
      return scopePool(p, j.decision, policy, { gaps: j.gaps, binding: j.decision === pooledDecision });
    }),
    economics: pooledEconomics(intent.chosen, language.chosen),
  };
}

function decideIndexed(cell: Cell, policy: ScopePolicy, index: PoolIndex): CellDecision {
  return cell.pass.sufficient ? decideAlone(cell, policy) : decidePooled(cell, policy, index);
}

/**
 * The decision for one cell, with its basis, the figures and thresholds that made it, and its economics.
 * `pools` (the candidate's) decide a cell with too few scenarios of its own.
 */
export function decideCell(cell: Cell, policy: ScopePolicy, pools: readonly Pool[] = []): CellDecision {
  return decideIndexed(cell, policy, indexPools(pools));
}

/** Cell weights summing to 1: volumes when every cell has one, otherwise one per scenario. */
function weights(cells: readonly Cell[]): { weights: number[]; weighting: "volume" | "equal"; covered: number | null } {
  const volumes = cells.map((c) => c.volume);
  const total = volumes.reduce((a: number, v) => a + (v ?? 0), 0);
  if (cells.length > 0 && volumes.every((v) => v !== null) && total > 0) {
    return { weights: volumes.map((v) => (v ?? 0) / total), weighting: "volume", covered: total };
  }
  const scenarios = cells.reduce((a, c) => a + c.scenarios, 0);
  return {
    weights: cells.map((c) => (scenarios > 0 ? c.scenarios / scenarios : 0)),
    weighting: "equal",
    covered: null,
  };
}

const DECISIONS: readonly Decision[] = ["automate", "automate_with_review", "keep_human", "insufficient_evidence"];

function emptyShares(): Record<Decision, number> {
  return { automate: 0, automate_with_review: 0, keep_human: 0, insufficient_evidence: 0 };
}

/** The cells summed by intent (with tier) or by language, busiest first. */
function groups(cells: readonly ScopeCell[], dimension: "intent" | "language"): ScopeGroup[] {
  const byKey = new Map<string, { key: string; tier: number | null; cells: ScopeCell[] }>();
  for (const c of cells) {
    const key = dimension === "intent" ? `${c.intent}\u0000${c.tier}` : c.language;
    const entry = byKey.get(key) ?? {
      key: dimension === "intent" ? c.intent : c.language,
      tier: dimension === "intent" ? c.tier : null,
      cells: [],
    };
    entry.cells.push(c);
    byKey.set(key, entry);
  }
  const out: ScopeGroup[] = [...byKey.values()].map(({ key, tier, cells: members }) => {
    const weight = members.reduce((a, c) => a + c.weight, 0);
    const shares = emptyShares();
    for (const c of members) {
      shares[c.decision] += weight > 0 ? c.weight / weight : 1 / members.length;
    }
    // Most weight wins; on a tie the more cautious decision.
    const decision = [...DECISIONS].sort((a, b) => shares[b] - shares[a] || RANK[b] - RANK[a])[0]!;
    return {
      dimension,
      key,
      tier,
      weight,
      cells: members.length,
      scenarios: members.reduce((a, c) => a + c.scenarios, 0),
      shares,
      decision,
    };
  });
  return out.sort((a, b) => b.weight - a.weight || a.key.localeCompare(b.key) || (a.tier ?? 0) - (b.tier ?? 0));
}

/** The automation scope of one candidate under a policy. */
export function planScope(candidate: CandidateAnalysis, policy: ScopePolicy): ScopePlan {
  const { weights: w, weighting, covered } = weights(candidate.cells);
  const index = indexPools(candidate.pools);
  const h = policy.costs.human_per_contact;
  const r = policy.costs.review_per_contact;
  const shares = emptyShares();
  let pooled = 0;
  let planned = 0;
  let botCost = 0;
  let resolvedShare = 0;
  let risk = 0;
  let riskUnreviewed = 0;
  let automatedWeight = 0;
  const cells: ScopeCell[] = candidate.cells.map((cell, i) => {
    const weight = w[i] ?? 0;
    const { economics, ...decided } = decideIndexed(cell, policy, index);
    const { decision } = decided;
    shares[decision] += weight;
    if (decided.basis === "pooled") pooled += weight;
    if (decision === "automate" || decision === "automate_with_review") {
      // Contacts the bot does not resolve (failed or handed off) still reach a person.
      const { resolution, cost_per_conversation: cb, missed_per_contact: missed } = economics;
      planned += weight * (cb + (1 - resolution) * h + (decision === "automate_with_review" ? r : 0));
      botCost += weight * cb;
      resolvedShare += weight * resolution;
      automatedWeight += weight;
      risk += weight * missed;
      if (decision === "automate") riskUnreviewed += weight * missed;
    } else {
      planned += weight * h;
    }
    return {
      intent: cell.intent,
      language: cell.language,
      tier: cell.tier,
      ...decided,
      weight,
      scenarios: cell.scenarios,
    };
  });
  const notes: string[] = [];
  if (weighting === "volume") {
    if (covered !== null && Math.abs(covered - 1) > 0.005) {
      notes.push(
        `Scenario volumes add up to ${pct(covered, 1)} of contacts; shares are of the contacts the benchmark covers.`,
      );
    }
  } else {
    const missing = candidate.cells.filter((c) => c.volume === null).length;
    notes.push(
      `${missing === candidate.cells.length ? "No scenario states" : `${plural(missing, "cell")} of ${candidate.cells.length} lack`} a contact volume, so every scenario weighs the same; shares are of scenarios, not contacts.`,
    );
  }
  if (pooled > 0) {
    notes.push(
      `${pct(pooled)} of ${weighting === "volume" ? "contacts" : "scenarios"} are decided from pooled evidence: their cell has fewer than ${policy.min_scenarios} scenarios, so the decision is the more cautious of the intent across languages and the language across intents (pools of at least ${policy.pooling.min_scenarios} scenarios). It says the bot handles that intent and that language, not that exact combination.`,
    );
  }
  notes.push(
    `Cost model: a person costs ${money(h, policy.costs.currency, 2)} per contact and ${money(r, policy.costs.currency, 2)} per reviewed conversation; contacts the bot does not resolve go to a person.`,
  );
  notes.push(
    "Risk counts missed hand-offs in automated cells, reviewed or not: a review comes after the customer was answered.",
  );
  const hasCells = cells.length > 0;
  return {
    candidate: candidate.candidate,
    cells,
    by_intent: groups(cells, "intent"),
    by_language: groups(cells, "language"),
    weighting,
    shares,
    pooled,
    resolved: resolvedShare,
    cost: {
      currency: policy.costs.currency,
      human_per_contact: h,
      review_per_contact: r,
      bot_per_resolved: resolvedShare > 0 ? botCost / resolvedShare : null,
      current_per_contact: h,
      planned_per_contact: hasCells ? planned : null,
      savings_per_10k: hasCells ? 10_000 * (h - planned) : null,
    },
    risk: {
      missed_escalations_per_10k: hasCells ? 10_000 * risk : null,
      missed_escalations_per_10k_unreviewed: hasCells ? 10_000 * riskUnreviewed : null,
    },
    notes: automatedWeight === 0 && hasCells ? [...notes, "No cell qualifies for automation."] : notes,
  };
}

/** "a, b, c and 4 more". */
function listed(names: readonly string[], limit: number): string {
  if (names.length <= limit) {
    return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  }
  return `${names.slice(0, limit).join(", ")} and ${names.length - limit} more`;
}

function intentName(g: ScopeGroup, tiersOf: ReadonlyMap<string, number>): string {
  // The tier is named only when the intent occurs in more than one.
  return (tiersOf.get(g.key) ?? 1) > 1 ? `${g.key} (tier ${g.tier})` : g.key;
}

function comparisonSentence(best: string, comparisons: readonly PairedComparison[]): string | null {
  const involving = comparisons.filter((c) => c.a === best || c.b === best);
  if (involving.length === 0) return null;
  const wins = involving.filter((c) => c.significant && c.better === best);
  const losses = involving.filter((c) => c.significant && c.better !== best);
  const parts: string[] = [];
  for (const c of wins) {
    const other = c.a === best ? c.b : c.a;
    const diff = Math.abs(c.diff ?? 0);
    parts.push(
      `${best} passes ${pct(diff, 1).replace("%", "")} points more than ${other} on the same scenarios (McNemar mid-p ${pValue(c.mcnemar_mid_p)})`,
    );
  }
  for (const c of losses)
    parts.push(`${c.better} passes more scenarios than ${best} overall, but automates less under the policy`);
  if (parts.length === 0) {
    const thin = involving.some((c) => !c.sufficient);
    return thin
      ? "Too few shared scenarios to tell the candidates apart."
      : "The difference between the candidates is within noise on the shared scenarios.";
  }
  return `${parts.join("; ")}.`;
}

/** The busiest cells of one decision, grouped by intent: "refund.status in English and German; …". */
function cellsInWords(plan: ScopePlan, decision: Decision, limit: number): string {
  const tiers = new Map<string, Set<number>>();
  for (const c of plan.cells) tiers.set(c.intent, (tiers.get(c.intent) ?? new Set()).add(c.tier));
  const byIntent = new Map<string, { weight: number; languages: string[] }>();
  for (const c of [...plan.cells].sort((a, b) => b.weight - a.weight)) {
    if (c.decision !== decision) continue;
    const key = (tiers.get(c.intent)?.size ?? 1) > 1 ? `${c.intent} (tier ${c.tier})` : c.intent;
    const entry = byIntent.get(key) ?? { weight: 0, languages: [] };
    entry.weight += c.weight;
    entry.languages.push(languageName(c.language));
    byIntent.set(key, entry);
  }
  const phrases = [...byIntent.entries()]
    .sort((a, b) => b[1].weight - a[1].weight)
    .map(([intent, e]) => {
      const more = e.languages.length - 3;
      const languages =
        more > 0 ? `${e.languages.slice(0, 3).join(", ")} and ${more} more languages` : listed(e.languages, 3);
      return `${intent} in ${languages}`;
    });
  const more = phrases.length - limit;
  return more > 0 ? `${phrases.slice(0, limit).join("; ")}; and ${more} more intents` : phrases.join("; ");
}

/** The named intents of one decision: "every intent tested", "every intent except a and b", or a list. */
function intentList(names: readonly string[], everyName: readonly string[], limit = 6): string {
  if (names.length === everyName.length) return everyName.length === 1 ? names[0]! : "every intent tested";
  const others = everyName.filter((n) => !names.includes(n));
  if (names.length > limit && others.length <= 5) return `every intent except ${listed(others, 5)}`;
  return listed(names, limit);
}

/** Scenarios, all passing, that a pool needs before its lower bound reaches `bar`. */
function scenariosFor(bar: number, confidence: number): number | null {
  for (let n = 1; n <= 2000; n++) if ((wilson(n, n, confidence)?.low ?? 0) >= bar) return n;
  return null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** What to do with each decision's intents, in the order a leader acts on them. */
function scopeSentences(plan: ScopePlan, unit: string, policy: PlanWording): string[] {
  const s = plan.shares;
  const tiersOf = new Map<string, number>();
  for (const g of plan.by_intent) tiersOf.set(g.key, (tiersOf.get(g.key) ?? 0) + 1);
  // Intents that stand for no contacts (volume 0, e.g. security probes) take no share and are not named.
  const counted = plan.by_intent.some((g) => g.weight > 0)
    ? plan.by_intent.filter((g) => g.weight > 0)
    : plan.by_intent;
  const every = counted.map((g) => intentName(g, tiersOf));
  const intents = (d: Decision): string[] => counted.filter((g) => g.decision === d).map((g) => intentName(g, tiersOf));
  const partly = (d: Decision): boolean => counted.some((g) => g.decision !== d && g.shares[d] > 0);
  const out: string[] = [];
  const lead: Array<[Decision, string]> = [
    ["automate", "Automate now"],
    ["automate_with_review", "Automate with a person reviewing the bot's answers"],
    ["keep_human", "Keep with people"],
  ];
  for (const [d, words] of lead) {
    if (s[d] <= 0) continue;
    const names = intents(d);
    const what =
      names.length > 0
        ? `: ${intentList(names, every)}${partly(d) ? " (and parts of other intents)" : ""}`
        : `: ${cellsInWords(plan, d, 4)}`;
    out.push(`${words} (${pct(s[d])} of ${unit})${what}.`);
  }
  if (s.insufficient_evidence > 0) {
    const thin = plan.cells
      .filter((c) => c.decision === "insufficient_evidence")
      .sort((a, b) => b.weight - a.weight)
      .map((c) => `${c.intent} in ${languageName(c.language)} (tier ${c.tier})`);
    out.push(
      `Too little evidence to decide ${pct(s.insufficient_evidence)} of ${unit}, e.g. ${listed(thin, 3)}: keep them with people and add scenarios there.`,
    );
  }
  // Languages whose usual decision is more cautious than the plan's usual one are where the bot is weaker.
  const planMode = [...DECISIONS].sort((a, b) => s[b] - s[a] || RANK[b] - RANK[a])[0]!;
  const weak = plan.by_language.filter(
    (g) => g.decision !== "insufficient_evidence" && RANK[g.decision] > RANK[planMode],
  );
  if (weak.length > 0 && planMode !== "insufficient_evidence") {
    out.push(
      `The bot is weaker in ${listed(
        weak.map((g) => languageName(g.key)),
        8,
      )}: most of ${weak.length === 1 ? "its" : "their"} contacts get a more cautious decision than the same intents elsewhere.`,
    );
  }
  const ceilings = [
    ...new Set(
      plan.cells.filter((c) => c.limits.includes("tier_ceiling") && c.decision !== "automate").map((c) => c.tier),
    ),
  ].sort();
  if (ceilings.length > 0) {
    out.push(
      `By policy, tier ${ceilings.join(" and ")} contacts (${ceilings.includes(3) ? "the sensitive cases" : "the policy's cautious tiers"}) always get a person's review at least.`,
    );
  }
  // Review everywhere and automation nowhere usually means thin evidence, not a weak bot: say what it takes.
  const reviewedForEvidence = plan.cells.filter(
    (c) =>
      c.decision === "automate_with_review" &&
      c.pass_rate === 1 &&
      c.pass_low !== null &&
      c.pass_low < policy.automateBar,
  );
  if (s.automate === 0 && reviewedForEvidence.length > 0) {
    const needed = scenariosFor(policy.automateBar, policy.confidence);
    const sizes = reviewedForEvidence.map((c) =>
      c.basis === "pooled" ? Math.min(...c.pools.map((p) => p.scenarios)) : c.scenarios,
    );
    out.push(
      `Nothing is automated without review yet, partly because the evidence is thin: automating alone needs at least ${pctBar(policy.automateBar)} passing with ${pct(policy.confidence)} confidence${needed !== null ? `, that is ${needed} scenarios all passing` : ""}, and the deciding ${plan.pooled > 0 ? "pools hold" : "cells hold"} a median of ${median(sizes)} scenarios.`,
    );
  }
  return out;
}

/** The policy figures the recommendation quotes. */
interface PlanWording {
  automateBar: number;
  confidence: number;
}

/**
 * The headline of a plan that automates something: the share the bot answers first, split into
 * what it resolves itself and what still goes to a person (its hand-offs and what it does not resolve).
 */
function takeSentence(candidate: string, plan: ScopePlan, unit: string): string {
  const s = plan.shares;
  const automated = s.automate + s.automate_with_review;
  const split =
    s.automate_with_review === 0
      ? " on its own"
      : s.automate === 0
        ? ", all with a person reviewing its answers"
        : ` (${pct(s.automate)} on its own, ${pct(s.automate_with_review)} with a person reviewing its answers)`;
  // Whole percentages that add up: the part for a person is what the rounded shares leave.
  const taken = Math.round(automated * 100);
  const resolved = Math.min(taken, Math.round(plan.resolved * 100));
  const rest = taken - resolved;
  if (rest <= 0) return `${candidate} can take ${pct(automated)} of ${unit}${split} and resolve them itself.`;
  return `${candidate} can take the first conversation of ${pct(automated)} of ${unit}${split}: it resolves about ${resolved}% of ${unit} itself and hands ${rest}% on to a person (hand-offs, and conversations it does not resolve).`;
}

/** The headline when nothing could be decided: evidence, not the bot, is what is missing, and how much more it takes. */
function evidenceSentence(
  candidate: string,
  plan: ScopePlan,
  unit: string,
  policy: Pick<ScopePolicy, "automate" | "confidence" | "min_scenarios" | "pooling">,
): string {
  const thin = plan.cells.filter((c) => c.decision === "insufficient_evidence");
  const most = Math.max(0, ...thin.map((c) => c.scenarios));
  const parts = [
    `Too little evidence to decide anything for ${candidate} yet: ${pct(plan.shares.insufficient_evidence)} of ${unit} fall in ${plural(thin.length, "cell")} of at most ${plural(most, "scenario")}, and a cell decides alone from ${plural(policy.min_scenarios, "scenario")}`,
  ];
  if (policy.pooling.enabled) {
    const small = (side: "intent" | "language") =>
      thin.flatMap((c) => c.pools.filter((p) => p.level.startsWith(side) && p.decision === "insufficient_evidence"));
    // What a pool's cells are: languages for an intent in its tier, intents for a language in its tier.
    const member = (level: PoolLevel): string =>
      level === "intent_tier" ? "language" : level === "language_tier" ? "intent" : "cell";
    const sides = (["intent", "language"] as const)
      .map((side) => small(side))
      .filter((pools) => pools.length > 0)
      .map((pools) => {
        const widest = pools.reduce((a, b) =>
          b.scenarios > a.scenarios || (b.scenarios === a.scenarios && b.cells > a.cells) ? b : a,
        );
        return `the largest ${widest.level.startsWith("intent") ? "intent" : "language"} pool too small to decide (${widest.label}) holds ${plural(widest.scenarios, "scenario")} from ${plural(widest.cells, member(widest.level))}`;
      });
    const need = `${policy.pooling.min_scenarios} scenarios from ${policy.pooling.min_cells} cells (languages of an intent, intents of a language)`;
    parts.push(
      sides.length > 0 ? `; ${sides.join(" and ")}, where pooling needs ${need}` : `; pooling needs pools of ${need}`,
    );
  }
  const needed = scenariosFor(policy.automate.min_pass_lower, policy.confidence);
  parts.push(
    `. Add scenarios where it matters${needed !== null ? `: automating without review needs about ${needed} scenarios all passing per cell or pool (at least ${pctBar(policy.automate.min_pass_lower)} with ${pct(policy.confidence)} confidence)` : ""}.`,
  );
  return parts.join("");
}

/** The candidate to recommend and the recommendation in plain words, for leadership. */
export function recommend(
  candidates: readonly CandidateAnalysis[],
  scope: readonly ScopePlan[],
  comparisons: readonly PairedComparison[],
  policy: Pick<ScopePolicy, "automate" | "confidence" | "min_scenarios" | "pooling"> = defaultScopePolicy(),
): { recommended: string | null; recommendation: string; sentences: string[] } {
  if (candidates.length === 0 || scope.length === 0) {
    const none = "No graded trials: nothing to recommend yet.";
    return { recommended: null, recommendation: none, sentences: [none] };
  }
  const ranked = scope
    .map((plan, i) => ({ plan, cand: candidates[i]! }))
    .sort(
      (x, y) =>
        y.plan.shares.automate +
          y.plan.shares.automate_with_review -
          (x.plan.shares.automate + x.plan.shares.automate_with_review) ||
        (y.cand.pass.rate ?? y.cand.pass.passes / Math.max(1, y.cand.pass.n)) -
          (x.cand.pass.rate ?? x.cand.pass.passes / Math.max(1, x.cand.pass.n)),
    );
  const { plan, cand } = ranked[0]!;
  const s = plan.shares;
  const unit = plan.weighting === "volume" ? "contacts" : "scenarios";
  const automated = s.automate + s.automate_with_review;
  const sentences: string[] = [];
  if (automated === 0 && s.insufficient_evidence > 0 && s.keep_human === 0) {
    sentences.push(evidenceSentence(cand.candidate, plan, unit, policy));
  } else if (automated === 0) {
    sentences.push(
      `Do not automate yet: no intent × language × tier cell ${s.insufficient_evidence > 0 ? "with enough evidence " : ""}meets the policy's thresholds for ${cand.candidate}.`,
    );
  } else {
    sentences.push(takeSentence(cand.candidate, plan, unit));
  }
  sentences.push(
    ...scopeSentences(plan, unit, { automateBar: policy.automate.min_pass_lower, confidence: policy.confidence }),
  );
  const savings = plan.cost.savings_per_10k;
  const risk = plan.risk.missed_escalations_per_10k;
  if (savings !== null && risk !== null && automated > 0) {
    const bot = plan.cost.bot_per_resolved;
    const c = plan.cost.currency;
    const verb = savings >= 0 ? `saves about ${money(savings, c)}` : `costs about ${money(-savings, c)} more`;
    const botWords = bot !== null && bot > 0 ? `, the bot ${money(bot, c, 3)} per contact it resolves` : "";
    const riskWords =
      risk > 0
        ? `with about ${num(risk, 1)} customers who needed a person and did not get one`
        : "with no missed hand-off to a person observed in the automated intents";
    sentences.push(
      `Per 10,000 contacts this ${verb} (a person costs ${money(plan.cost.human_per_contact, c, 2)} per contact${botWords}), ${riskWords}.`,
    );
  }
  if (plan.pooled > 0 && automated > 0) {
    sentences.push(
      `${pct(plan.pooled)} of these decisions rest on pooled evidence (too few scenarios per intent, language and tier), so they hold for the intent and the language in general.`,
    );
  }
  if (unit === "scenarios") {
    sentences.push("Shares are of scenarios, each weighing the same: not every scenario states its share of contacts.");
  }
  const comparison = comparisonSentence(cand.candidate, comparisons);
  if (comparison) sentences.push(comparison);
  return { recommended: cand.candidate, recommendation: sentences.join(" "), sentences };
}
