import type { Analysis, Decision, ScopeCell, ScopePlan } from "../../../analysis/schema.js";
import { count, DECISION_LABEL, DECISION_SYMBOL, decimal, money, percent, tierLabel } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { shareBar } from "../svg.js";

/** The executive summary: the recommendation, the scope heat-map and the four figures a leader asks for. */

const DECISIONS: readonly Decision[] = ["automate", "automate_with_review", "keep_human", "insufficient_evidence"];

/** The plan the recommendation is about: the recommended candidate's, else the first. */
export function leadPlan(analysis: Analysis): ScopePlan | null {
  return analysis.scope.find((p) => p.candidate === analysis.recommended) ?? analysis.scope[0] ?? null;
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
    return html`<div class="kpis">${kpi("–", "of contacts the bot can take", "No automation-scope plan in this analysis.")}${kpi(
      "–",
      "coverage",
      tested,
    )}</div>`;
  }
  const { shares, cost, risk } = plan;
  const automatable = shares.automate + shares.automate_with_review;
  const savings =
    cost.savings_per_10k === null
      ? kpi("–", "saved per 10,000 contacts", "Not computed: no cost for the automated cells.")
      : kpi(
          money(cost.savings_per_10k, cost.currency),
          cost.savings_per_10k >= -5e-5 ? "saved per 10,000 contacts" : "extra cost per 10,000 contacts",
          `${money(cost.current_per_contact, cost.currency)} per contact today (all human), ${money(cost.planned_per_contact, cost.currency)} with this plan`,
        );
  const missed = risk.missed_escalations_per_10k;
  const riskNote =
    risk.missed_escalations_per_10k_unreviewed !== null
      ? `customers who needed a person and did not get one; ${decimal(risk.missed_escalations_per_10k_unreviewed, 1)} of them where nobody reviews`
      : "customers who needed a person and did not get one";
  return html`<div class="kpis">
${kpi(percent(automatable), "of contacts the bot can take", `${percent(shares.automate)} on its own, ${percent(shares.automate_with_review)} with a person reviewing`, "kpi-automate")}
${savings}
${kpi(missed === null ? "–" : decimal(missed, 1), "missed escalations per 10,000 contacts", riskNote, "kpi-risk")}
${kpi(percent(1 - shares.insufficient_evidence), "of contacts with enough evidence to decide", tested, "kpi-coverage")}
</div>`;
}

function shares(plan: ScopePlan): SafeHtml {
  const parts = DECISIONS.map((d) => ({
    decision: d,
    share: plan.shares[d],
    className: `fill-${d}`,
    label: DECISION_LABEL[d],
  }));
  const weighting =
    plan.weighting === "volume"
      ? "Shares are weighted by each scenario's share of real contact volume."
      : "Every scenario weighs the same: the suites state no contact volumes.";
  const items = parts.map(
    (p) =>
      html`<span class="share-item"><span class="swatch decision-${p.decision}" aria-hidden="true">${DECISION_SYMBOL[p.decision]}</span>${p.label} ${percent(p.share)}</span>`,
  );
  const notTested = html`<span class="share-item"><span class="swatch decision-none" aria-hidden="true">–</span>Not tested</span>`;
  return html`<figure class="share-figure">${shareBar(parts)}<figcaption>${items}${notTested}<span class="muted">${weighting}</span></figcaption></figure>`;
}

function cellText(cell: ScopeCell): string {
  const lines = [`${cell.intent} · ${cell.language} · ${tierLabel(cell.tier)}`, DECISION_LABEL[cell.decision]];
  lines.push(`Scenarios: ${cell.scenarios}; share of contacts: ${percent(cell.weight, 1)}`);
  return [...lines, ...cell.reasons].join("\n");
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
      const figure =
        cell.decision === "insufficient_evidence"
          ? compact
            ? `n=${cell.scenarios}`
            : `${cell.scenarios} ${cell.scenarios === 1 ? "scenario" : "scenarios"}`
          : cell.pass_low === null
            ? ""
            : `≥${percent(cell.pass_low)}`;
      return html`<td class="cell decision-${cell.decision}" data-intent="${cell.intent}" data-language="${cell.language}" data-tier="${cell.tier}" data-decision="${cell.decision}" title="${cellText(cell)}"><span class="sym" aria-hidden="true">${DECISION_SYMBOL[cell.decision]}</span><span class="cell-label">${DECISION_LABEL[cell.decision]}</span><span class="cell-figure">${figure}</span></td>`;
    });
    const share = rowWeight.get(`${row.tier}\u0000${row.intent}`) ?? 0;
    return html`${tierRow}<tr><th scope="row" class="intent"><span class="tier-badge tier-${row.tier}" title="${tierLabel(row.tier)}">T${row.tier}</span>${row.intent}</th>${cells}<td class="row-share">${percent(share, share < 0.1 ? 1 : 0)}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="heatmap${compact ? " compact" : ""}" data-heatmap="${plan.candidate}"><caption class="sr">Automation scope of ${plan.candidate} by intent, tier and language</caption><thead><tr><th scope="col">Intent</th>${languages.map(
    (l) => html`<th scope="col" class="lang">${l}</th>`,
  )}<th scope="col" class="row-share">Share of contacts</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The same decisions as a table with their reasons, for keyboards, screen readers and paper. */
function reasonsTable(plan: ScopePlan): SafeHtml {
  const cells = [...plan.cells].sort(
    (a, b) =>
      a.tier - b.tier ||
      a.intent.localeCompare(b.intent) ||
      b.weight - a.weight ||
      a.language.localeCompare(b.language),
  );
  const rows = cells.map(
    (c) =>
      html`<tr><th scope="row">${c.intent}</th><td>${c.language}</td><td class="num">${c.tier}</td><td class="decision"><span class="swatch decision-${c.decision}" aria-hidden="true">${
        DECISION_SYMBOL[c.decision]
      }</span>${DECISION_LABEL[c.decision]}</td><td class="num">${percent(c.pass_low)}</td><td class="num">${percent(
        c.missed_escalation_rate,
      )}</td><td class="num">${decimal(c.empathy, 1)}${c.empathy_kind === "heuristic" ? html` <span class="tag kind-heuristic">heuristic</span>` : null}</td><td class="num">${
        c.scenarios
      }</td><td class="num">${percent(c.weight, 1)}</td><td class="why">${c.reasons.join(" ")}</td></tr>`,
  );
  return html`<details class="reasons"><summary>Why each cell was decided</summary><div class="table-scroll"><table class="data"><thead><tr><th scope="col">Intent</th><th scope="col">Language</th><th scope="col">Tier</th><th scope="col">Decision</th><th scope="col">Lowest pass rate</th><th scope="col">Missed hand-offs</th><th scope="col">Empathy</th><th scope="col">Scenarios</th><th scope="col">Share of contacts</th><th scope="col">Reasons</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

function planNotes(plan: ScopePlan): SafeHtml | null {
  if (plan.notes.length === 0) return null;
  return html`<ul class="notes">${plan.notes.map((n) => html`<li>${n}</li>`)}</ul>`;
}

/** The section leadership reads first. */
export function summarySection(analysis: Analysis): SafeHtml {
  const plan = leadPlan(analysis);
  const others = analysis.scope.filter((p) => p !== plan);
  const scope = plan
    ? html`<h3>Which conversations ${plan.candidate} can take</h3>
<p class="lede">Each cell is one intent in one language. The figure under the label is the lowest pass rate the evidence supports (95% confidence). Hover a cell, or open “Why each cell was decided” below it, for the reasons.</p>
${shares(plan)}${heatmap(plan)}${reasonsTable(plan)}${planNotes(plan)}`
    : html`<p class="muted">No automation-scope plan: the analysis was run without a scope policy.</p>`;
  const otherPlans =
    others.length > 0
      ? html`<details class="other-plans"><summary>Automation scope for the other candidates (${others.length})</summary>${others.map(
          (p) =>
            html`<h4>${p.candidate}: ${percent(p.shares.automate + p.shares.automate_with_review)} of contacts</h4>${heatmap(p)}`,
        )}</details>`
      : null;
  return html`<section id="summary" class="summary" aria-labelledby="summary-h">
<h2 id="summary-h">Executive summary</h2>
<p class="recommendation" data-testid="recommendation">${analysis.recommendation}</p>
${figures(analysis, plan)}
${scope}
${otherPlans}
</section>`;
}
