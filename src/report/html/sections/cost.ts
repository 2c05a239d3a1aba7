import type { Analysis } from "../../../analysis/schema.js";
import { count, duration, money } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { rangeDot } from "../svg.js";

/** Cost and latency per candidate, and the cost side of each automation plan. */

function costTable(analysis: Analysis): SafeHtml {
  const rows = analysis.candidates.map((c) => {
    const k = c.cost;
    return html`<tr><th scope="row">${c.candidate}</th><td class="num">${money(k.total_usd)}</td><td class="num">${money(
      k.per_conversation,
    )}</td><td class="num">${money(k.per_resolved)} <span class="n">${count(k.resolved)} resolved</span></td><td class="num">${count(
      k.input_tokens,
    )} / ${count(k.output_tokens)}</td><td class="num">${count(k.calls)}${k.cached_calls > 0 ? html` <span class="n">${count(k.cached_calls)} cached</span>` : null}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="data cost"><thead><tr><th scope="col">Candidate</th><th scope="col">Total</th><th scope="col">Per conversation</th><th scope="col">Per resolved conversation</th><th scope="col">Tokens in / out</th><th scope="col">Model calls</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function latencyTable(analysis: Analysis): SafeHtml {
  const maxConversation = Math.max(
    0,
    ...analysis.candidates.map((c) => c.latency.conversation_ms.p95 ?? c.latency.conversation_ms.p50 ?? 0),
  );
  const maxTurn = Math.max(
    0,
    ...analysis.candidates.map((c) => c.latency.bot_turn_ms.p95 ?? c.latency.bot_turn_ms.p50 ?? 0),
  );
  const rows = analysis.candidates.map((c) => {
    const conv = c.latency.conversation_ms;
    const turn = c.latency.bot_turn_ms;
    return html`<tr><th scope="row">${c.candidate}</th><td class="num">${duration(turn.p50)}</td><td class="num">${duration(turn.p95)}</td><td>${rangeDot(
      turn.p50,
      turn.p95,
      maxTurn,
      160,
    )}</td><td class="num">${duration(conv.p50)}</td><td class="num">${duration(conv.p95)}</td><td>${rangeDot(conv.p50, conv.p95, maxConversation, 160)}</td></tr>`;
  });
  return html`<div class="table-scroll"><table class="data latency"><thead><tr><th rowspan="2" scope="col">Candidate</th><th colspan="3" scope="colgroup">One bot reply</th><th colspan="3" scope="colgroup">Whole conversation</th></tr><tr><th scope="col">Median</th><th scope="col">95th pct.</th><th scope="col"><span class="sr">chart</span></th><th scope="col">Median</th><th scope="col">95th pct.</th><th scope="col"><span class="sr">chart</span></th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function planCosts(analysis: Analysis): SafeHtml | null {
  if (analysis.scope.length === 0) return null;
  const rows = analysis.scope.map((p) => {
    const k = p.cost;
    return html`<tr><th scope="row">${p.candidate}</th><td class="num">${money(k.human_per_contact, k.currency)}</td><td class="num">${money(
      k.review_per_contact,
      k.currency,
    )}</td><td class="num">${money(k.bot_per_resolved, k.currency)}</td><td class="num">${money(k.current_per_contact, k.currency)}</td><td class="num">${money(
      k.planned_per_contact,
      k.currency,
    )}</td><td class="num strong">${money(k.savings_per_10k, k.currency)}</td></tr>`;
  });
  return html`<h3>Cost of the automation plan</h3><p class="lede">Contacts the bot cannot resolve go to a person, so the plan pays for both. Human and review costs come from the scope policy.</p><div class="table-scroll"><table class="data plan-cost"><thead><tr><th scope="col">Candidate</th><th scope="col">Person per contact</th><th scope="col">Review per contact</th><th scope="col">Bot per resolved contact</th><th scope="col">Today per contact</th><th scope="col">With the plan</th><th scope="col">Saved per 10,000 contacts</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** What the LLM judge cost per run (run.json), shown only when some run records it. */
function judgeCost(analysis: Analysis): SafeHtml | null {
  const runs = analysis.runs.filter((r) => r.judge_usage !== undefined);
  if (runs.length === 0) return null;
  const rows = runs.map((r) => {
    const u = r.judge_usage!;
    const extras = [
      u.repairs > 0 ? `${count(u.repairs)} ${u.repairs === 1 ? "repair" : "repairs"}` : null,
      u.failures > 0 ? `${count(u.failures)} ${u.failures === 1 ? "failure" : "failures"}` : null,
      (u.cached_calls ?? 0) > 0 ? `${count(u.cached_calls ?? 0)} from the cache` : null,
    ].filter((x): x is string => x !== null);
    return html`<tr data-run="${r.run}"><th scope="row">${r.run}</th><td>${r.judge ?? html`<span class="muted">–</span>`}</td><td class="num">${count(
      u.judged_trials,
    )}</td><td class="num">${count(u.calls)}${extras.length > 0 ? html` <span class="n">${extras.join(", ")}</span>` : null}</td><td class="num">${count(
      u.input_tokens,
    )} / ${count(u.output_tokens)}</td><td class="num">${u.tokens_per_trial === null ? "–" : count(Math.round(u.tokens_per_trial))}</td><td class="num">${money(
      u.cost_usd,
    )}</td><td class="num">${money(u.cost_per_trial)}</td></tr>`;
  });
  return html`<h3>Judge cost</h3><p class="lede">What the LLM judge spent grading the conversations, per run. Calls include repairs (asking again after a malformed answer); a failure is a judgement with no usable answer (malformed twice, or the call failed), whose criteria became grader errors. Answers from the call cache were paid for by an earlier run and count no tokens or cost here. A judged conversation has at least one judge grade.</p><div class="table-scroll"><table class="data judge-cost"><thead><tr><th scope="col">Run</th><th scope="col">Judge</th><th scope="col">Judged conversations</th><th scope="col">Calls</th><th scope="col">Tokens in / out</th><th scope="col">Tokens per judged conversation</th><th scope="col">Cost</th><th scope="col">Cost per judged conversation</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The cost and latency section. */
export function costSection(analysis: Analysis): SafeHtml {
  return html`<section id="cost" aria-labelledby="cost-h">
<h2 id="cost-h">Cost and speed</h2>
${planCosts(analysis)}
<h3>Model cost of the benchmark</h3>
${costTable(analysis)}
${judgeCost(analysis)}
<h3>Response time</h3>
<p class="lede">Dot: median. Line: up to the 95th percentile, the slow tail customers notice.</p>
${latencyTable(analysis)}
</section>`;
}
