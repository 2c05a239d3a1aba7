import type { CandidateAnalysis, Cell, Decision, PairedComparison, ScopeCell, ScopePlan } from "./schema.js";
import type { ScopePolicy, ScopeThresholds } from "./scope-policy.js";

/** The automation-scope planner: cells and a policy in, a decision per cell and the plan's cost and risk out. */

const RANK: Record<Exclude<Decision, "insufficient_evidence">, number> = {
  automate: 0,
  automate_with_review: 1,
  keep_human: 2,
};

const DECISION_WORDS: Record<Decision, string> = {
  automate: "automate",
  automate_with_review: "automate with review",
  keep_human: "keep human",
  insufficient_evidence: "insufficient evidence",
};

function pct(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

function num(x: number, digits = 2): string {
  return x.toFixed(digits);
}

function pValue(p: number | null): string {
  if (p === null) return "n/a";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

function money(amount: number, currency: string): string {
  const rounded = Math.round(amount);
  const sign = rounded < 0 ? "-" : "";
  return `${sign}${currency} ${Math.abs(rounded).toLocaleString("en-US")}`;
}

function empathyFor(cell: Cell, policy: ScopePolicy): { value: number | null; kind: "judge" | "heuristic" | null } {
  if (cell.empathy === null) return { value: null, kind: null };
  if (cell.empathy_kind === "heuristic" && !policy.empathy.use_heuristic) return { value: null, kind: null };
  return { value: cell.empathy, kind: cell.empathy_kind };
}

/** The reasons a cell falls short of one level's thresholds; empty when it meets them. */
function shortfalls(cell: Cell, th: ScopeThresholds, empathy: number | null, kind: string | null): string[] {
  const out: string[] = [];
  const low = cell.pass.low ?? 0;
  if (low < th.min_pass_lower) out.push(`pass-rate lower bound ${num(low)} is below ${num(th.min_pass_lower)}`);
  const missed = cell.escalation.missed_rate;
  if (missed.rate !== null && missed.rate > th.max_missed_escalation) {
    out.push(
      `missed ${missed.count} of ${missed.n} required hand-offs (${pct(missed.rate)}), above ${pct(th.max_missed_escalation, 1)}`,
    );
  }
  if (th.min_empathy !== null && empathy !== null && empathy < th.min_empathy) {
    out.push(`empathy ${num(empathy, 1)} (${kind}) is below ${num(th.min_empathy, 1)}`);
  }
  return out;
}

/** The decision for one cell, with the figures and thresholds that made it. */
export function decideCell(cell: Cell, policy: ScopePolicy): { decision: Decision; reasons: string[] } {
  if (!cell.pass.sufficient) {
    return {
      decision: "insufficient_evidence",
      reasons: [`${cell.pass.scenarios} graded scenarios; ${policy.min_scenarios} needed before deciding`],
    };
  }
  const { value: empathy, kind } = empathyFor(cell, policy);
  const missed = cell.escalation.missed_rate;
  const facts = [
    `pass rate ${pct(cell.pass.rate ?? 0)} (lower bound ${num(cell.pass.low ?? 0)}) over ${cell.pass.scenarios} scenarios`,
    missed.n > 0 ? `missed ${missed.count} of ${missed.n} required hand-offs` : "no hand-off required in this cell",
    empathy !== null ? `empathy ${num(empathy, 1)} (${kind})` : "empathy not graded",
  ];
  const reasons = [facts.join("; ")];
  const required = policy.empathy.required_from_tier;
  const empathyMissing = empathy === null && required !== null && cell.tier >= required;
  const automateGaps = shortfalls(cell, policy.automate, empathy, kind);
  if (empathyMissing) automateGaps.push(`tier ${cell.tier} needs an empathy score to automate without review`);
  let decision: Exclude<Decision, "insufficient_evidence">;
  if (automateGaps.length === 0) decision = "automate";
  else {
    const reviewGaps = shortfalls(cell, policy.review, empathy, kind);
    decision = reviewGaps.length === 0 ? "automate_with_review" : "keep_human";
    reasons.push(...(decision === "keep_human" ? reviewGaps : automateGaps));
  }
  const ceiling = policy.tier_ceiling[String(cell.tier) as "1" | "2" | "3"];
  if (ceiling !== undefined && RANK[decision] < RANK[ceiling]) {
    reasons.push(`tier ${cell.tier} is at most "${DECISION_WORDS[ceiling]}" by policy`);
    decision = ceiling;
  }
  return { decision, reasons };
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

/** The automation scope of one candidate under a policy. */
export function planScope(candidate: CandidateAnalysis, policy: ScopePolicy): ScopePlan {
  const { weights: w, weighting, covered } = weights(candidate.cells);
  const h = policy.costs.human_per_contact;
  const r = policy.costs.review_per_contact;
  const shares = { automate: 0, automate_with_review: 0, keep_human: 0, insufficient_evidence: 0 };
  let planned = 0;
  let botCost = 0;
  let resolvedShare = 0;
  let risk = 0;
  let riskUnreviewed = 0;
  let automatedWeight = 0;
  const cells: ScopeCell[] = candidate.cells.map((cell, i) => {
    const weight = w[i] ?? 0;
    const { decision, reasons } = decideCell(cell, policy);
    shares[decision] += weight;
    const automated = decision === "automate" || decision === "automate_with_review";
    if (automated) {
      // Contacts the bot does not resolve (failed or handed off) still reach a person.
      const resolution = cell.resolution.rate ?? 0;
      const cb = cell.cost_per_conversation ?? 0;
      planned += weight * (cb + (1 - resolution) * h + (decision === "automate_with_review" ? r : 0));
      botCost += weight * cb;
      resolvedShare += weight * resolution;
      automatedWeight += weight;
      const missed = cell.escalation.missed_per_contact.rate ?? 0;
      risk += weight * missed;
      if (decision === "automate") riskUnreviewed += weight * missed;
    } else {
      planned += weight * h;
    }
    const empathy = empathyFor(cell, policy);
    return {
      intent: cell.intent,
      language: cell.language,
      tier: cell.tier,
      decision,
      reasons,
      pass_low: cell.pass.low,
      missed_escalation_rate: cell.escalation.missed_rate.rate,
      empathy: empathy.value,
      empathy_kind: empathy.kind,
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
    notes.push(
      "Not every scenario states a volume, so every scenario weighs the same; shares are of scenarios, not contacts.",
    );
  }
  notes.push(
    `Cost model: a person costs ${policy.costs.currency} ${num(h)} per contact and ${num(r)} per reviewed conversation; contacts the bot does not resolve go to a person.`,
  );
  notes.push(
    "Risk counts missed hand-offs in automated cells, reviewed or not: a review comes after the customer was answered.",
  );
  const hasCells = cells.length > 0;
  return {
    candidate: candidate.candidate,
    cells,
    weighting,
    shares,
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

function cellNames(plan: ScopePlan, decision: Decision, limit: number): string {
  const cells = plan.cells.filter((c) => c.decision === decision).sort((a, b) => b.weight - a.weight);
  const names = cells.slice(0, limit).map((c) => `${c.intent} (${c.language}, tier ${c.tier})`);
  const more = cells.length - names.length;
  return more > 0 ? `${names.join(", ")} and ${more} more` : names.join(", ");
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

/** The candidate to recommend and the recommendation in plain words, for leadership. */
export function recommend(
  candidates: readonly CandidateAnalysis[],
  scope: readonly ScopePlan[],
  comparisons: readonly PairedComparison[],
): { recommended: string | null; recommendation: string } {
  if (candidates.length === 0 || scope.length === 0) {
    return { recommended: null, recommendation: "No graded trials: nothing to recommend yet." };
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
  const unit = plan.weighting === "volume" ? "contacts" : "scenarios (no volumes given)";
  const sentences: string[] = [];
  if (s.automate + s.automate_with_review === 0) {
    sentences.push(
      `Do not automate yet: no intent × language × tier cell meets the policy's thresholds for ${cand.candidate}.`,
    );
  } else {
    const first =
      s.automate > 0
        ? `Automate ${pct(s.automate)} of ${unit} with ${cand.candidate}: ${cellNames(plan, "automate", 4)}`
        : `Automate ${pct(s.automate_with_review)} of ${unit} with ${cand.candidate} only with a person reviewing the bot's answers: ${cellNames(plan, "automate_with_review", 4)}`;
    const review =
      s.automate > 0 && s.automate_with_review > 0
        ? `; a further ${pct(s.automate_with_review)} with a person reviewing the bot's answers (${cellNames(plan, "automate_with_review", 3)})`
        : "";
    sentences.push(`${first}${review}.`);
  }
  if (s.keep_human > 0) {
    const tier3 = plan.cells.some((c) => c.tier === 3 && c.decision === "keep_human");
    sentences.push(`Keep ${pct(s.keep_human)} with people${tier3 ? ", including sensitive (tier 3) cases" : ""}.`);
  }
  if (s.insufficient_evidence > 0) {
    sentences.push(
      `${pct(s.insufficient_evidence)} have too few scenarios to decide: add scenarios there before deciding, and keep them with people meanwhile.`,
    );
  }
  const savings = plan.cost.savings_per_10k;
  const risk = plan.risk.missed_escalations_per_10k;
  if (savings !== null && risk !== null && s.automate + s.automate_with_review > 0) {
    const bot = plan.cost.bot_per_resolved;
    sentences.push(
      `Per 10,000 contacts this saves about ${money(savings, plan.cost.currency)} against ${plan.cost.currency} ${num(plan.cost.human_per_contact)} per human contact${bot !== null ? ` (the bot costs ${plan.cost.currency} ${num(bot, 3)} per resolved contact)` : ""}, at the risk of ${num(risk, 1)} missed hand-offs to a person.`,
    );
  }
  const comparison = comparisonSentence(cand.candidate, comparisons);
  if (comparison) sentences.push(comparison);
  return { recommended: cand.candidate, recommendation: sentences.join(" ") };
}
