import { languageName } from "../../../analysis/language-names.js";
import type {
  Analysis,
  Decision,
  Limit,
  Pool,
  ScopeCell,
  ScopeGroup,
  ScopePlan,
  ScopePool,
} from "../../../analysis/schema.js";
import {
  confidenceLabel,
  count,
  DECISION_LABEL,
  DECISION_SYMBOL,
  decimal,
  LIMIT_LABEL,
  money,
  percent,
  percentFloor,
  tierLabel,
} from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { shareBar } from "../svg.js";

/** The executive summary: the recommendation, the four figures a leader asks for, and the scope by intent and language. */

const DECISIONS: readonly Decision[] = ["automate", "automate_with_review", "keep_human", "insufficient_evidence"];

const RANK: Record<Decision, number> = {
  automate: 0,
  automate_with_review: 1,
  keep_human: 2,
  insufficient_evidence: 3,
};

/** The plan the recommendation is about: the recommended candidate's, else the first. */
export function leadPlan(analysis: Analysis): ScopePlan | null {
  return analysis.scope.find((p) => p.candidate === analysis.recommended) ?? analysis.scope[0] ?? null;
}

function unitOf(plan: ScopePlan): string {
  return plan.weighting === "volume" ? "contacts" : "scenarios";
}

function kpi(value: string, label: string, note: SafeHtml | string | null, className = ""): SafeHtml {
  return html`<div class="kpi ${className}"><div class="kpi-value">${value}</div><div class="kpi-label">${label}</div>${
    note ? html`<div class="kpi-note">${note}</div>` : null
  }</div>`;
}

function figures(analysis: Analysis, plan: ScopePlan | null): SafeHtml {
  const t = analysis.totals;
  const trials = analysis.candidates.reduce((sum, c) => sum + c.trials, 0);
  const tested = `${count(t.intents)} intents · ${count(t.languages)} languages · ${count(t.scenarios)} scenarios · ${count(trials)} conversations`;
  if (!plan) {
    return html`<div class="kpis">${kpi("–", "of contacts the bot resolves itself", "No automation-scope plan in this analysis.")}${kpi(
      "–",
      "coverage",
      tested,
    )}</div>`;
  }
  const { shares, cost, risk } = plan;
  const unit = unitOf(plan);
  const automatable = shares.automate + shares.automate_with_review;
  // Whole percentages that add up: what the bot answers first = what it resolves + what goes on to a person.
  const taken = Math.round(automatable * 100);
  const resolved = Math.min(taken, Math.round(plan.resolved * 100));
  const resolvedNote =
    automatable === 0
      ? "Nothing is automated under this plan: every contact goes to a person."
      : `It answers ${percent(automatable)} of ${unit} first (${percent(shares.automate)} on its own, ${percent(
          shares.automate_with_review,
        )} with a person reviewing) and hands ${taken - resolved}% on to a person: hand-offs, and conversations it does not resolve.`;
  const extra = cost.savings_per_10k !== null && cost.savings_per_10k < -0.5;
  const savings =
    cost.savings_per_10k === null
      ? kpi("–", "saved per 10,000 contacts", "Not computed: no cost for the automated cells.")
      : kpi(
          // The label says "extra cost", so the figure is the amount, without a minus sign.
          money(extra ? -cost.savings_per_10k : cost.savings_per_10k, cost.currency),
          extra ? "extra cost per 10,000 contacts" : "saved per 10,000 contacts",
          `${money(cost.current_per_contact, cost.currency)} per contact today (all human), ${money(cost.planned_per_contact, cost.currency)} with this plan`,
        );
  const missed = risk.missed_escalations_per_10k;
  const riskNote =
    missed === null || automatable === 0
      ? "nothing is automated, so no customer misses a person"
      : missed === 0
        ? "customers who needed a person and did not get one: none observed in the automated intents"
        : `customers who needed a person and did not get one; ${decimal(risk.missed_escalations_per_10k_unreviewed, 1)} of them where nobody reviews`;
  const decided = Math.max(0, 1 - shares.insufficient_evidence);
  const coverageNote =
    plan.pooled > 0
      ? html`<span class="pooled-mark" aria-hidden="true"></span>${percent(plan.pooled)} from pooled evidence (too few scenarios per cell) · ${tested}`
      : tested;
  return html`<div class="kpis">
${kpi(`${resolved}%`, `of ${unit} the bot resolves itself`, resolvedNote, "kpi-automate")}
${savings}
${kpi(missed === null ? "–" : decimal(missed, 1), "missed escalations per 10,000 contacts", riskNote, "kpi-risk")}
${kpi(percent(decided), `of ${unit} with enough evidence to decide`, coverageNote, "kpi-coverage")}
</div>`;
}

function weightingNote(plan: ScopePlan): string {
  return plan.weighting === "volume"
    ? "Shares are weighted by each scenario's share of real contact volume."
    : "Shares are of scenarios, each weighing the same: not every scenario states its share of contact volume.";
}

function shares(plan: ScopePlan): SafeHtml {
  const parts = DECISIONS.map((d) => ({
    decision: d,
    share: plan.shares[d],
    className: `fill-${d}`,
    label: DECISION_LABEL[d],
  }));
  const items = parts.map(
    (p) =>
      html`<span class="share-item"><span class="swatch decision-${p.decision}" aria-hidden="true">${DECISION_SYMBOL[p.decision]}</span>${p.label} ${percent(p.share)}</span>`,
  );
  return html`<figure class="share-figure">${shareBar(parts)}<figcaption>${items}<span class="muted">${weightingNote(plan)}</span></figcaption></figure>`;
}

const SHORT_LABEL: Record<Decision, string> = {
  automate: "Automate",
  automate_with_review: "With review",
  keep_human: "Keep human",
  insufficient_evidence: "Too little evidence",
};

function decisionChip(decision: Decision): SafeHtml {
  return html`<span class="chip decision-${decision}" title="${DECISION_LABEL[decision]}"><span class="sym" aria-hidden="true">${DECISION_SYMBOL[decision]}</span>${SHORT_LABEL[decision]}</span>`;
}

/** "18 of 18 passed · at least 82%": a pool's figure, never a rate from too few scenarios. */
function poolFigure(p: Pick<ScopePool, "passes" | "n" | "scenarios" | "pass_low">): string {
  const counted =
    p.n === p.scenarios
      ? `${count(p.passes)} of ${count(p.n)} passed`
      : `${count(p.passes)} of ${count(p.n)} conversations passed`;
  return p.pass_low === null
    ? `${counted} · too few to state a rate`
    : `${counted} · at least ${percentFloor(p.pass_low)}`;
}

function rawPoolFigure(pool: Pool): string {
  return poolFigure({ passes: pool.pass.passes, n: pool.pass.n, scenarios: pool.scenarios, pass_low: pool.pass.low });
}

/** The pools one side of a group's cells were decided with, each named once. */
function sidePools(cells: readonly ScopeCell[], side: "intent" | "language"): ScopePool[] {
  const seen = new Map<string, ScopePool>();
  for (const c of cells) {
    for (const p of c.pools) {
      const isSide = side === "intent" ? p.level.startsWith("intent") : p.level.startsWith("language");
      if (isSide && !seen.has(p.label)) seen.set(p.label, p);
    }
  }
  return [...seen.values()];
}

/** The members of a group whose decision differs from the group's, named by the other dimension. */
function exceptions(group: ScopeGroup, members: readonly ScopeCell[], name: (c: ScopeCell) => string): SafeHtml {
  const others = members.filter((c) => c.decision !== group.decision);
  const total = members.length;
  const noun = group.dimension === "intent" ? "language" : "intent";
  // A group of one to three cells names them: "1 language: Italian".
  const few = total <= 3 ? `: ${members.map(name).join(", ")}` : "";
  const all =
    total === 1
      ? `1 ${noun}${few}`
      : others.length === 0
        ? `all ${count(total)} ${noun}s${few}`
        : `${count(total - others.length)} of ${count(total)} ${noun}s`;
  if (others.length === 0) return html`${all}`;
  const byDecision = DECISIONS.filter((d) => others.some((c) => c.decision === d)).map((d) => {
    const names = others.filter((c) => c.decision === d).map(name);
    const shown = names.length > 4 ? `${names.slice(0, 4).join(", ")} and ${names.length - 4} more` : names.join(", ");
    return html`<span class="except">${DECISION_SYMBOL[d]} ${DECISION_LABEL[d].toLowerCase()}: ${shown}</span>`;
  });
  return html`${all}${byDecision}`;
}

function basisNote(members: readonly ScopeCell[], side: "intent" | "language", pools: readonly Pool[]): SafeHtml {
  const used = sidePools(members, side);
  const own = members.filter((c) => c.basis === "cell").length;
  const parts: SafeHtml[] = used.map(
    (p) =>
      html`<span class="evidence-line" title="${p.label}">${used.length > 1 ? `${p.label}: ` : ""}${poolFigure(p)}</span>`,
  );
  if (own > 0) parts.push(html`<span class="evidence-line">${count(own)} decided on their own scenarios</span>`);
  if (parts.length === 0) {
    // Nothing was decided: show the widest pool's counts so the reader sees how far off it is.
    const wide = pools[0];
    return wide
      ? html`<span class="evidence-line muted">${rawPoolFigure(wide)} (too few to decide)</span>`
      : html`<span class="muted">–</span>`;
  }
  return html`${parts}`;
}

/** One thing that holds cells back, in words, and the cells it holds. */
interface HeldBack {
  label: string;
  cells: Set<ScopeCell>;
}

function span(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? count(lo) : `${count(lo)}–${count(hi)}`;
}

function floorSpan(values: readonly number[]): string {
  const lo = percentFloor(Math.min(...values));
  const hi = percentFloor(Math.max(...values));
  return lo === hi ? lo : `${lo.replace("%", "")}–${hi}`;
}

function pctSpan(values: readonly number[]): string {
  const lo = percent(Math.min(...values));
  const hi = percent(Math.max(...values));
  return lo === hi ? lo : `${lo.replace("%", "")}–${hi}`;
}

/** A limit, said from the row's point of view: its own pool, or the other side's ("per language"). */
function limitLabel(
  limit: Limit,
  pools: readonly ScopePool[],
  cells: ReadonlySet<ScopeCell>,
  per: string | null,
  dimension: ScopeGroup["dimension"],
): string {
  const where = per === null ? "" : ` ${per}`;
  switch (limit) {
    case "pass_rate": {
      if (pools.length === 0) return "pass rate too low to be sure";
      if (pools.every((p) => p.pass_rate === 1)) {
        return `thin evidence${where}: ${span(pools.map((p) => p.scenarios))} scenarios, all passed`;
      }
      return `pass rate${where}: at least ${floorSpan(pools.map((p) => p.pass_low ?? 0))}`;
    }
    case "missed_escalation": {
      const rates = pools.map((p) => p.missed_escalation_rate).filter((r): r is number => r !== null);
      return `missed hand-offs${where}${rates.length > 0 ? `: ${pctSpan(rates)}` : ""}`;
    }
    case "empathy": {
      const scores = [...cells].map((c) => c.empathy).filter((e): e is number => e !== null);
      const heuristic = [...cells].some((c) => c.empathy_kind === "heuristic");
      const range = scores.length > 0 ? ` ${decimalSpan(scores)}` : "";
      return `empathy${range}${heuristic ? " (heuristic)" : ""}`;
    }
    case "tier_ceiling": {
      const tiers = [...new Set([...cells].map((c) => c.tier))].sort();
      return `tier ${tiers.join(", ")}: always reviewed by policy`;
    }
    case "own_failure":
      return dimension === "intent"
        ? "failed its own scenario in that language"
        : "failed its own scenario for that intent";
    default:
      return LIMIT_LABEL[limit];
  }
}

function decimalSpan(values: readonly number[]): string {
  const lo = decimal(Math.min(...values), 1);
  const hi = decimal(Math.max(...values), 1);
  return lo === hi ? lo : `${lo}–${hi}`;
}

/**
 * What holds back the cells that got the group's decision, most common first. Cells decided
 * otherwise are named in the row already, with their own decision.
 */
function heldBack(group: ScopeGroup, members: readonly ScopeCell[]): HeldBack[] {
  const found = new Map<string, { limit: Limit; per: string | null; pools: ScopePool[]; cells: Set<ScopeCell> }>();
  const add = (key: string, limit: Limit, per: string | null, cell: ScopeCell, pool?: ScopePool) => {
    const entry = found.get(key) ?? { limit, per, pools: [], cells: new Set<ScopeCell>() };
    entry.cells.add(cell);
    if (pool && !entry.pools.some((p) => p.label === pool.label)) entry.pools.push(pool);
    found.set(key, entry);
  };
  for (const c of members) {
    if (c.decision !== group.decision) continue;
    for (const limit of c.limits) {
      // Pass rate and missed hand-offs are said per side; everything else once per row.
      const sided = limit === "pass_rate" || limit === "missed_escalation";
      if (!sided || c.basis !== "pooled") {
        add(limit, limit, null, c, undefined);
        continue;
      }
      for (const p of c.pools) {
        if (!p.binding || !p.limits.includes(limit)) continue;
        const side = p.level.startsWith("intent") ? "intent" : "language";
        add(`${side}\u0000${limit}`, limit, side === group.dimension ? null : `per ${side}`, c, p);
      }
    }
  }
  return [...found.values()]
    .map((e) => ({ label: limitLabel(e.limit, e.pools, e.cells, e.per, group.dimension), cells: e.cells }))
    .sort((a, b) => b.cells.size - a.cells.size || a.label.localeCompare(b.label));
}

function limitsNote(group: ScopeGroup, members: readonly ScopeCell[]): SafeHtml {
  if (group.decision === "automate") return html`<span class="muted">nothing: automated</span>`;
  const held = heldBack(group, members);
  if (held.length === 0) return html`<span class="muted">–</span>`;
  const same = members.filter((c) => c.decision === group.decision).length;
  return html`${held.map(
    (h) =>
      html`<span class="limit">${h.label}${
        h.cells.size < same ? html` <span class="n">(${count(h.cells.size)} of ${count(same)})</span>` : null
      }</span>`,
  )}`;
}

function groupPools(analysis: Analysis, plan: ScopePlan, g: ScopeGroup): Pool[] {
  const pools = analysis.candidates.find((c) => c.candidate === plan.candidate)?.pools ?? [];
  return g.dimension === "intent"
    ? pools.filter((p) => p.level === "intent_tier" && p.intent === g.key && p.tier === g.tier)
    : pools.filter((p) => p.level === "language" && p.language === g.key);
}

/** The plan intent by intent: what to do, for how many contacts, in which languages, on what evidence. */
function intentTable(analysis: Analysis, plan: ScopePlan): SafeHtml {
  const groups = [...plan.by_intent].sort(
    (a, b) => RANK[a.decision] - RANK[b.decision] || b.weight - a.weight || a.key.localeCompare(b.key),
  );
  const rows = groups.map((g) => {
    const members = plan.cells.filter((c) => c.intent === g.key && c.tier === g.tier);
    return html`<tr data-intent="${g.key}" data-tier="${g.tier ?? ""}" data-decision="${g.decision}"><td class="decision">${decisionChip(
      g.decision,
    )}</td><th scope="row"><span class="tier-badge tier-${g.tier ?? 0}" title="${tierLabel(g.tier ?? 0)}">T${g.tier}</span>${g.key}</th><td class="num">${percent(
      g.weight,
      g.weight < 0.1 ? 1 : 0,
    )}</td><td class="members">${exceptions(g, members, (c) => languageName(c.language))}</td><td class="pool-evidence">${basisNote(
      members,
      "intent",
      groupPools(analysis, plan, g),
    )}</td><td class="limits">${limitsNote(g, members)}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="data plan-table intents" data-plan="${plan.candidate}"><thead><tr><th scope="col">Decision</th><th scope="col">Intent</th><th scope="col" class="num">Share <span class="hint">of ${unitOf(plan)}</span></th><th scope="col">Languages <span class="hint">those decided otherwise are named</span></th><th scope="col">Evidence across languages <span class="hint">scenarios passed · lowest rate at ${confidenceLabel(analysis.settings.confidence)} confidence</span></th><th scope="col">Held back by <span class="hint">for the cells with the row's decision</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The plan language by language: where the bot is weaker than its intents would suggest. */
function languageTable(analysis: Analysis, plan: ScopePlan): SafeHtml {
  const groups = [...plan.by_language].sort(
    (a, b) => RANK[b.decision] - RANK[a.decision] || b.weight - a.weight || a.key.localeCompare(b.key),
  );
  const rows = groups.map((g) => {
    const members = plan.cells.filter((c) => c.language === g.key);
    const name = languageName(g.key);
    return html`<tr data-language="${g.key}" data-decision="${g.decision}"><td class="decision">${decisionChip(g.decision)}</td><th scope="row">${name}${
      name !== g.key ? html` <span class="code">${g.key}</span>` : null
    }</th><td class="num">${percent(g.weight, g.weight < 0.1 ? 1 : 0)}</td><td class="members">${exceptions(
      g,
      members,
      (c) =>
        c.tier === 3 || members.some((m) => m.intent === c.intent && m.tier !== c.tier)
          ? `${c.intent} (T${c.tier})`
          : c.intent,
    )}</td><td class="pool-evidence">${basisNote(members, "language", groupPools(analysis, plan, g))}</td><td class="limits">${limitsNote(g, members)}</td></tr>`;
  });
  return html`<details class="breakdown languages-detail"><summary>Language by language (${count(groups.length)})</summary><p class="lede">Weakest first. A language whose own pool is weaker than the intents' decides its cells; the intents it holds back are named.</p><div class="table-scroll"><table class="data plan-table languages" data-plan="${plan.candidate}"><thead><tr><th scope="col">Decision</th><th scope="col">Language</th><th scope="col" class="num">Share <span class="hint">of ${unitOf(plan)}</span></th><th scope="col">Intents <span class="hint">those decided otherwise are named</span></th><th scope="col">Evidence across intents <span class="hint">scenarios passed · lowest rate at ${confidenceLabel(analysis.settings.confidence)} confidence</span></th><th scope="col">Held back by <span class="hint">for the cells with the row's decision</span></th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

function cellText(cell: ScopeCell): string {
  const lines = [
    `${cell.intent} · ${languageName(cell.language)} · ${tierLabel(cell.tier)}`,
    DECISION_LABEL[cell.decision],
  ];
  if (cell.basis === "pooled") lines.push("Decided from pooled evidence (too few scenarios in this cell)");
  lines.push(`Scenarios: ${cell.scenarios}; share of contacts: ${percent(cell.weight, 1)}`);
  return [...lines, ...cell.reasons].join("\n");
}

function cellFigure(cell: ScopeCell, compact: boolean): string {
  if (cell.decision === "insufficient_evidence") {
    return compact ? `n=${cell.scenarios}` : `${cell.scenarios} ${cell.scenarios === 1 ? "scenario" : "scenarios"}`;
  }
  return cell.pass_low === null ? "" : `≥${percentFloor(cell.pass_low)}`;
}

/** The heat-map of one plan: rows are intent and tier, columns are languages. */
export function heatmap(plan: ScopePlan): SafeHtml {
  const weightOf = (pick: (c: ScopeCell) => string): Map<string, number> => {
    const totals = new Map<string, number>();
    for (const c of plan.cells) totals.set(pick(c), (totals.get(pick(c)) ?? 0) + c.weight);
    return totals;
  };
  // Busiest languages first: the left of the map is where most customers are.
  const languageWeight = weightOf((c) => c.language);
  const rowWeight = weightOf((c) => `${c.tier}\u0000${c.intent}`);
  const languages = [...languageWeight.keys()].sort(
    (a, b) => (languageWeight.get(b) ?? 0) - (languageWeight.get(a) ?? 0) || a.localeCompare(b),
  );
  const rowKeys = new Map<string, { intent: string; tier: number }>();
  for (const c of plan.cells) rowKeys.set(`${c.tier}\u0000${c.intent}`, { intent: c.intent, tier: c.tier });
  const rows = [...rowKeys.values()].sort((a, b) => a.tier - b.tier || a.intent.localeCompare(b.intent));
  // Many languages: cells show the symbol and figure only, the label stays for screen readers.
  const compact = languages.length > 6;
  const byKey = new Map(plan.cells.map((c) => [`${c.tier}\u0000${c.intent}\u0000${c.language}`, c]));
  const body = rows.map((row, i) => {
    const first = i === 0 || rows[i - 1]?.tier !== row.tier;
    const tierRow = first
      ? html`<tr class="tier-row"><th colspan="${languages.length + 2}" scope="rowgroup">${tierLabel(row.tier)}</th></tr>`
      : null;
    const cells = languages.map((language) => {
      const cell = byKey.get(`${row.tier}\u0000${row.intent}\u0000${language}`);
      if (!cell)
        return html`<td class="cell decision-none" data-language="${language}" data-decision="none"><span class="sym" aria-hidden="true">–</span><span class="sr">not tested</span></td>`;
      const pooled = cell.basis === "pooled";
      return html`<td class="cell decision-${cell.decision}${pooled ? " pooled" : ""}" data-intent="${cell.intent}" data-language="${cell.language}" data-tier="${cell.tier}" data-decision="${cell.decision}" data-basis="${cell.basis ?? "none"}" title="${cellText(cell)}"><span class="sym" aria-hidden="true">${DECISION_SYMBOL[cell.decision]}</span><span class="cell-label">${DECISION_LABEL[cell.decision]}</span>${
        pooled ? html`<span class="sr"> (pooled)</span>` : null
      }<span class="cell-figure">${cellFigure(cell, compact)}</span></td>`;
    });
    const share = rowWeight.get(`${row.tier}\u0000${row.intent}`) ?? 0;
    return html`${tierRow}<tr><th scope="row" class="intent"><span class="tier-badge tier-${row.tier}" title="${tierLabel(row.tier)}">T${row.tier}</span>${row.intent}</th>${cells}<td class="row-share">${percent(share, share < 0.1 ? 1 : 0)}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="heatmap${compact ? " compact" : ""}" data-heatmap="${plan.candidate}"><caption class="sr">Automation scope of ${plan.candidate} by intent, tier and language</caption><thead><tr><th scope="col">Intent</th>${languages.map(
    (l) => html`<th scope="col" class="lang" title="${languageName(l)}">${l}</th>`,
  )}<th scope="col" class="row-share">Share</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** What the symbols and outlines of the heat-map mean. */
function legend(plan: ScopePlan, minScenarios: number, confidence: number): SafeHtml {
  const items = DECISIONS.map(
    (d) =>
      html`<li><span class="swatch decision-${d}" aria-hidden="true">${DECISION_SYMBOL[d]}</span>${DECISION_LABEL[d]}</li>`,
  );
  return html`<ul class="legend" aria-label="Legend">${items}<li><span class="swatch decision-none" aria-hidden="true">–</span>Not tested</li>${
    plan.pooled > 0 || plan.cells.some((c) => c.basis === "pooled")
      ? html`<li class="legend-pooled"><span class="swatch swatch-pooled" aria-hidden="true"></span>Dashed outline: decided from pooled evidence. The cell has fewer than ${minScenarios} scenarios, so it takes the more cautious of its intent across all languages and its language across all intents; the figure is the weaker pool's.</li>`
      : null
  }<li class="legend-figure">≥76% = lowest pass rate the evidence supports (${confidenceLabel(confidence)} confidence)</li></ul>`;
}

function ownCell(c: ScopeCell): string {
  if (c.own.n === 0) return `${c.scenarios} (none graded)`;
  return `${c.scenarios} (${c.own.passes} of ${c.own.n} passed)`;
}

/** Above this many cells the reasons are left out of print: they would fill a hundred pages. */
const PRINTABLE_REASONS = 60;

/** The same decisions as a table with their reasons, for keyboards, screen readers and paper. */
function reasonsTable(plan: ScopePlan): SafeHtml {
  const cells = [...plan.cells].sort(
    (a, b) =>
      a.tier - b.tier ||
      a.intent.localeCompare(b.intent) ||
      b.weight - a.weight ||
      a.language.localeCompare(b.language),
  );
  // Each cell is a row of figures followed by a full-width row of reasons, so that both stay readable.
  const rows = cells.map(
    (c) =>
      html`<tr class="cell-row" data-basis="${c.basis ?? "none"}"><th scope="row">${c.intent}</th><td>${c.language}</td><td class="num">${c.tier}</td><td class="decision"><span class="swatch decision-${c.decision}" aria-hidden="true">${
        DECISION_SYMBOL[c.decision]
      }</span>${DECISION_LABEL[c.decision]}</td><td>${
        c.basis === "pooled"
          ? html`<span class="tag tag-pooled">pooled</span>`
          : c.basis === "cell"
            ? "own scenarios"
            : html`<span class="muted">–</span>`
      }</td><td class="num">${percentFloor(c.pass_low)}</td><td class="num">${percent(c.missed_escalation_rate)}</td><td class="num">${decimal(
        c.empathy,
        1,
      )}${c.empathy_kind === "heuristic" ? html` <span class="tag kind-heuristic">heuristic</span>` : null}</td><td class="num">${ownCell(
        c,
      )}</td><td class="num">${percent(c.weight, 1)}</td></tr><tr class="why-row"><td colspan="10"><ul class="why-list">${c.reasons.map(
        (r) => html`<li>${r}</li>`,
      )}</ul></td></tr>`,
  );
  const long = cells.length > PRINTABLE_REASONS;
  return html`<details class="reasons${long ? " long" : ""}"><summary>Why each cell was decided (${count(cells.length)} cells)</summary><div class="table-scroll"><table class="data reasons-table"><thead><tr><th scope="col">Intent</th><th scope="col">Language</th><th scope="col">Tier</th><th scope="col">Decision</th><th scope="col">Decided on</th><th scope="col">Lowest pass rate</th><th scope="col">Missed hand-offs</th><th scope="col">Empathy</th><th scope="col">Own scenarios</th><th scope="col">Share</th></tr></thead><tbody>${rows}</tbody></table></div></details>${
    long
      ? html`<p class="print-only muted">The reasons for each of the ${count(cells.length)} cells are in the interactive report.</p>`
      : null
  }`;
}

function planNotes(plan: ScopePlan): SafeHtml | null {
  if (plan.notes.length === 0) return null;
  return html`<ul class="notes">${plan.notes.map((n) => html`<li>${n}</li>`)}</ul>`;
}

/** The recommendation: its first sentence as the headline, the rest as a list to scan. */
function recommendationBlock(analysis: Analysis): SafeHtml {
  const [lead, ...rest] =
    analysis.recommendation_sentences.length > 0 ? analysis.recommendation_sentences : [analysis.recommendation];
  return html`<div class="recommendation" data-testid="recommendation"><p class="lead">${lead ?? ""}</p>${
    rest.length > 0 ? html`<ul>${rest.map((r) => html`<li>${r}</li>`)}</ul>` : null
  }</div>`;
}

/** The section leadership reads first. */
export function summarySection(analysis: Analysis): SafeHtml {
  const plan = leadPlan(analysis);
  const others = analysis.scope.filter((p) => p !== plan);
  const scope = plan
    ? html`<h3>What to do, intent by intent: ${plan.candidate}</h3>
<p class="lede">One row per intent. The decision is the one most of its ${unitOf(plan)} get; languages that get another are named. The evidence is the intent across all languages, because single cells are too small to judge alone.</p>
${shares(plan)}${intentTable(analysis, plan)}${languageTable(analysis, plan)}
<h3>Every intent in every language</h3>
<p class="lede">Each cell is one intent in one language. Hover a cell, or open “Why each cell was decided” below, for the figures and thresholds behind it.</p>
${legend(plan, analysis.settings.min_scenarios, analysis.settings.confidence)}${heatmap(plan)}${reasonsTable(plan)}${planNotes(plan)}`
    : html`<p class="muted">No automation-scope plan: the analysis was run without a scope policy.</p>`;
  const otherPlans =
    others.length > 0
      ? html`<details class="other-plans"><summary>Automation scope for the other candidates (${others.length})</summary>${others.map(
          (p) =>
            html`<h4>${p.candidate}: answers ${percent(p.shares.automate + p.shares.automate_with_review)} of ${unitOf(p)} first, resolves ${percent(p.resolved)}</h4>${heatmap(p)}`,
        )}</details>`
      : null;
  return html`<section id="summary" class="summary" aria-labelledby="summary-h">
<h2 id="summary-h">Executive summary</h2>
${recommendationBlock(analysis)}
${figures(analysis, plan)}
${scope}
${otherPlans}
</section>`;
}
