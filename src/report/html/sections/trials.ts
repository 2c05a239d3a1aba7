import type { EscalationOutcome } from "../../../graders/schema.js";
import { tierLabel } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { distinct, type TrialRow } from "../trial-data.js";

/** The drill-down shell: filter controls, an empty table and the transcript dialog, filled by the page script. */

export const ESCALATION_LABEL: Record<EscalationOutcome | "none", string> = {
  correct_handoff: "Handed over",
  correct_no_handoff: "Not needed",
  missed: "Missed",
  needless: "Needless",
  late: "Late",
  none: "Not graded",
};

function select(name: string, label: string, options: readonly { value: string; label: string }[]): SafeHtml {
  return html`<label class="filter"><span>${label}</span><select data-filter="${name}" name="${name}"><option value="">All</option>${options.map(
    (o) => html`<option value="${o.value}">${o.label}</option>`,
  )}</select></label>`;
}

/** The section with its filters; option lists come from the rows so that every value can be chosen. */
export function trialsSection(rows: readonly TrialRow[], embedded: number = rows.length): SafeHtml {
  const plain = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));
  const escalations = distinct(rows, (r) => r.escalation ?? "none").map((v) => ({
    value: v,
    label: ESCALATION_LABEL[v],
  }));
  const verdicts = distinct(rows, (r) => r.verdict).map((v) => ({ value: v, label: v }));
  return html`<section id="trials" aria-labelledby="trials-h">
<h2 id="trials-h">Every conversation</h2>
<p class="lede">Filter and search the ${rows.length.toLocaleString("en-US")} conversations, then open one to read it with its grades; the quotes each grader cites are highlighted in the turn they come from.</p>
${
  embedded < rows.length
    ? html`<p class="muted" id="trial-embedded">This report embeds ${embedded.toLocaleString("en-US")} of the ${rows.length.toLocaleString("en-US")} conversations, failures and errors first, to stay small enough to open; search reads the words of those only. Every conversation is in results.jsonl, and <code>supportbench report --max-conversations</code> sets the limit.</p>`
    : null
}
<form class="filters" id="trial-filters" role="search" aria-label="Filter conversations">
<label class="filter search"><span>Search</span><input type="search" id="trial-search" name="q" placeholder="Scenario, intent, criterion or words said" autocomplete="off"></label>
${select("candidate", "Candidate", plain(distinct(rows, (r) => r.candidate)))}
${select("verdict", "Verdict", verdicts)}
${select(
  "tier",
  "Tier",
  distinct(rows, (r) => r.tier).map((t) => ({ value: String(t), label: tierLabel(t) })),
)}
${select("language", "Language", plain(distinct(rows, (r) => r.language)))}
${select("intent", "Intent", plain(distinct(rows, (r) => r.intent)))}
${select("escalation", "Hand-off", escalations)}
<button type="reset" class="button" id="trial-reset">Reset</button>
</form>
<p class="status" id="trial-status" aria-live="polite">Loading conversations…</p>
<div class="table-scroll"><table class="data trials" id="trial-table"><thead><tr><th scope="col">Scenario</th><th scope="col">Candidate</th><th scope="col">Intent</th><th scope="col">Lang.</th><th scope="col">Tier</th><th scope="col">Verdict</th><th scope="col">Hand-off</th><th scope="col">Failed criteria</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Time</th></tr></thead><tbody id="trial-rows"></tbody></table></div>
<nav class="pager" aria-label="Pages"><button type="button" class="button" id="page-prev">← Previous</button><span id="page-info"></span><button type="button" class="button" id="page-next">Next →</button></nav>
<noscript><p class="muted">The list of conversations needs JavaScript; everything above it does not.</p></noscript>
<dialog id="trial-dialog" aria-labelledby="trial-title"><div class="dialog-head"><div><h3 id="trial-title"></h3><p class="dialog-meta" id="trial-meta"></p></div><button type="button" class="button" id="trial-close" aria-label="Close">Close ✕</button></div><div class="dialog-body"><div class="transcript" id="trial-transcript" aria-label="Conversation"></div><aside class="grades" id="trial-grades" aria-label="Grades"></aside></div></dialog>
</section>`;
}
