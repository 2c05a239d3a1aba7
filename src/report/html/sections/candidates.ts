import type { Analysis, CandidateAnalysis, GroupRate, PairedComparison, PassRate } from "../../../analysis/schema.js";
import { confidenceLabel, count, decimal, percent, percentRange, points, pValue, tierLabel } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { intervalBar } from "../svg.js";

/** Candidate comparison: pass rates with intervals, pass^k, paired tests in words, breakdowns. */

function signed(p: number): string {
  return p < 0 ? `−${Math.abs(p)}` : String(p);
}

/** "3–11" when both ends are positive, else "−3 to 7" so that a minus never reads as a dash. */
function pointsInterval(low: number, high: number): string {
  const lo = points(low);
  const hi = points(high);
  return lo < 0 || hi < 0 ? `${signed(lo)} to ${signed(hi)}` : `${lo}–${hi}`;
}

function names(c: PairedComparison): { a: string; b: string } {
  return c.source === "baseline" ? { a: `${c.a} (baseline)`, b: `${c.b} (this run)` } : { a: c.a, b: c.b };
}

/** The paired comparison in one plain sentence, e.g. "B is better than A by 7 points (95% CI 3–11), p=0.002". */
export function comparisonSentence(c: PairedComparison): string {
  const { a, b } = names(c);
  const level = `${confidenceLabel(c.bootstrap.level)} CI`;
  if (!c.sufficient || c.diff === null) {
    return `Too little shared evidence to compare ${a} and ${b} (${c.shared_scenarios} shared scenarios, ${c.pairs} paired trials).`;
  }
  const p = pValue(c.mcnemar_mid_p);
  const { low, high } = c.bootstrap;
  if (c.significant && c.better !== null) {
    // The sign decides, not the name: a baseline comparison has the same candidate on both sides.
    const bWins = c.diff > 0;
    const winner = bWins ? b : a;
    const loser = bWins ? a : b;
    const diff = bWins ? c.diff : -c.diff;
    const interval =
      low !== null && high !== null
        ? ` (${level} ${bWins ? pointsInterval(low, high) : pointsInterval(-high, -low)})`
        : "";
    return `${winner} is better than ${loser} by ${points(diff)} points${interval}, ${p}.`;
  }
  const interval = low !== null && high !== null ? `, ${level} ${pointsInterval(low, high)}` : "";
  return `No significant difference between ${a} and ${b} (${b} minus ${a}: ${signed(points(c.diff))} points${interval}, ${p}).`;
}

function rateCell(rate: PassRate, confidence: number, width = 120): SafeHtml {
  if (!rate.sufficient || rate.rate === null) {
    return html`<td class="rate insufficient" data-rate=""><span class="muted">insufficient evidence</span> <span class="n">${rate.scenarios} sc.</span></td>`;
  }
  return html`<td class="rate" data-rate="${rate.rate}">${intervalBar(rate.rate, rate.low, rate.high, { width, confidence })}<span class="rate-text"><strong>${percent(
    rate.rate,
  )}</strong> <span class="ci">${percentRange(rate.low, rate.high)}</span></span></td>`;
}

function passK(c: CandidateAnalysis): SafeHtml {
  if (c.pass_k.length === 0) return html`<span class="muted">–</span>`;
  return html`${c.pass_k.map(
    (p) =>
      html`<span class="passk" title="All ${p.k} trials of a scenario pass; averaged over ${p.scenarios} scenarios">pass^${p.k} <strong>${percent(
        p.value,
      )}</strong></span>`,
  )}`;
}

function overview(analysis: Analysis): SafeHtml {
  const rows = analysis.candidates.map(
    (c) =>
      html`<tr data-candidate="${c.candidate}"><th scope="row" class="candidate">${c.candidate}${
        c.candidate === analysis.recommended ? html` <span class="tag tag-recommended">recommended</span>` : null
      }</th>${rateCell(c.pass, analysis.settings.confidence, 160)}<td class="num">${c.scenario_pass.rate === null ? "–" : percent(c.scenario_pass.rate)}<span class="n"> of ${
        c.scenarios
      }</span></td><td>${passK(c)}</td><td class="num">${percent(c.escalation.missed_rate.rate)}<span class="n"> ${c.escalation.missed_rate.count}/${
        c.escalation.missed_rate.n
      }</span></td><td class="num">${count(c.errors.total)}<span class="n"> of ${count(c.trials)}</span></td></tr>`,
  );
  return html`<div class="table-scroll"><table class="data candidates"><thead><tr><th scope="col">Candidate</th><th scope="col">Conversations passed <span class="hint">${confidenceLabel(analysis.settings.confidence)} interval</span></th><th scope="col">Scenarios passed every trial</th><th scope="col">Consistency (pass^k)</th><th scope="col">Missed escalations <span class="hint">of conversations that needed a person</span></th><th scope="col">Errors <span class="hint">excluded from rates</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function comparisons(analysis: Analysis): SafeHtml {
  const items = [...analysis.comparisons, ...analysis.baseline];
  if (items.length === 0) {
    return html`<p class="muted">Only one candidate and no baseline: nothing to compare.</p>`;
  }
  return html`<ul class="comparisons">${items.map(
    (c) =>
      html`<li class="${c.significant ? "significant" : "not-significant"}" data-a="${c.a}" data-b="${c.b}">${comparisonSentence(c)}<span class="n"> ${c.pairs} paired trials on ${c.shared_scenarios} scenarios; McNemar ${c.b_only} wins vs ${c.a_only} losses for ${c.b}.</span></li>`,
  )}</ul>`;
}

function groupKey(dimension: GroupRate["dimension"], key: string): string {
  return dimension === "tier" ? tierLabel(Number(key)) : key;
}

const DIMENSION_LABEL: Record<GroupRate["dimension"], string> = {
  tier: "Tier",
  language: "Language",
  intent: "Intent",
};

function breakdown(analysis: Analysis, dimension: GroupRate["dimension"], title: string): SafeHtml {
  const pick = (c: CandidateAnalysis): GroupRate[] =>
    dimension === "intent" ? c.by_intent : dimension === "language" ? c.by_language : c.by_tier;
  const keys = [...new Set(analysis.candidates.flatMap((c) => pick(c).map((g) => g.key)))].sort((a, b) =>
    dimension === "tier" ? Number(a) - Number(b) : a.localeCompare(b),
  );
  const rows = keys.map(
    (key) =>
      html`<tr><th scope="row">${groupKey(dimension, key)}</th>${analysis.candidates.map((c) => {
        const g = pick(c).find((x) => x.key === key);
        return g ? rateCell(g.pass, analysis.settings.confidence, 90) : html`<td class="muted">not tested</td>`;
      })}</tr>`,
  );
  return html`<details class="breakdown" ${dimension === "tier" ? "open" : ""}><summary>${title}</summary><div class="table-scroll"><table class="data"><thead><tr><th scope="col">${DIMENSION_LABEL[dimension]}</th>${analysis.candidates.map((c) => html`<th scope="col">${c.candidate}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

function escalations(analysis: Analysis): SafeHtml {
  const rows = analysis.candidates.map((c) => {
    const e = c.escalation;
    return html`<tr><th scope="row">${c.candidate}</th><td class="num good">${e.counts.correct_handoff}</td><td class="num warn">${e.counts.late}</td><td class="num bad">${e.counts.missed}</td><td class="num">${percent(
      e.missed_rate.rate,
    )} <span class="ci">${percentRange(e.missed_rate.low, e.missed_rate.high)}</span></td><td class="num good">${e.counts.correct_no_handoff}</td><td class="num warn">${e.counts.needless}</td><td class="num">${percent(
      e.needless_rate.rate,
    )}</td><td class="num muted">${e.counts.unknown}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="data escalation"><thead><tr><th rowspan="2" scope="col">Candidate</th><th colspan="4" scope="colgroup">Customer needed a person</th><th colspan="3" scope="colgroup">Customer did not need a person</th><th rowspan="2" scope="col">Not graded</th></tr><tr><th scope="col">Handed over</th><th scope="col">Late</th><th scope="col">Missed</th><th scope="col">Missed rate</th><th scope="col">Kept</th><th scope="col">Needless hand-off</th><th scope="col">Needless rate</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function statistics(analysis: Analysis): SafeHtml {
  const rows = analysis.candidates.map(
    (c) =>
      html`<tr><th scope="row">${c.candidate}</th><td class="num">${percent(c.pass.rate, 1)}</td><td class="num">${decimal(
        c.clustered.naive_se,
        3,
      )}</td><td class="num">${decimal(c.clustered.se, 3)}</td><td class="num">${c.clustered.clusters}</td><td class="num">${decimal(
        c.clustered.design_effect,
        2,
      )}</td><td class="num">${percentRange(c.clustered.low, c.clustered.high)}</td></tr>`,
  );
  const s = analysis.settings;
  return html`<details class="breakdown"><summary>Statistical details</summary><p class="lede">Standard errors clustered by intent: scenarios of one intent tend to pass or fail together, so the naive binomial error understates the uncertainty. Cells with fewer than ${
    s.min_scenarios
  } scenarios report insufficient evidence. Paired comparisons use McNemar's mid-p and a ${count(
    s.bootstrap_resamples,
  )}-resample bootstrap over scenarios (seed ${s.seed}); significance needs both at α=${s.alpha}.</p><div class="table-scroll"><table class="data"><thead><tr><th scope="col">Candidate</th><th scope="col">Pass rate</th><th scope="col">Naive SE</th><th scope="col">Clustered SE</th><th scope="col">Intents</th><th scope="col">Design effect</th><th scope="col">Clustered interval</th></tr></thead><tbody>${rows}</tbody></table></div></details>`;
}

/** The candidate comparison section. */
export function candidatesSection(analysis: Analysis): SafeHtml {
  if (analysis.candidates.length === 0) {
    return html`<section id="candidates"><h2>Candidates</h2><p class="muted">No graded trials.</p></section>`;
  }
  return html`<section id="candidates" aria-labelledby="candidates-h">
<h2 id="candidates-h">Candidates compared</h2>
<p class="lede">A conversation passes when it meets every hard requirement: the facts, the policy, the right actions and the right hand-off. Bars show the ${confidenceLabel(analysis.settings.confidence)} interval: the true rate is very likely inside it.</p>
${overview(analysis)}
<h3>Is the difference real?</h3>
${comparisons(analysis)}
<h3>Hand-offs to a person</h3>
${escalations(analysis)}
<h3>Where each candidate passes</h3>
${breakdown(analysis, "tier", "By tier")}${breakdown(analysis, "language", "By language")}${breakdown(analysis, "intent", "By intent")}
${statistics(analysis)}
</section>`;
}
