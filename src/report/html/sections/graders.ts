import type { Analysis, CriterionSummary, ScoreDistribution } from "../../../analysis/schema.js";
import { count, decimal, percent, percentRange } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { histogram, intervalBar } from "../svg.js";

/** Grader breakdown: per-criterion pass rates, score distributions and the most frequent failures. */

type Kind = CriterionSummary["kind"];

const KIND_LABEL: Record<Kind, string> = { deterministic: "exact check", judge: "LLM judge", heuristic: "heuristic" };

/** A badge naming how a criterion was graded; heuristic scores are always labelled as such. */
export function kindBadge(kind: Kind): SafeHtml {
  return html`<span class="tag kind-${kind}" title="${
    kind === "heuristic" ? "Heuristic: an offline approximation, not a measurement" : KIND_LABEL[kind]
  }">${KIND_LABEL[kind]}</span>`;
}

function criterionCell(s: CriterionSummary | undefined, confidence: number): SafeHtml {
  if (!s) return html`<td class="muted">–</td>`;
  const extra = [
    s.undecided > 0 ? `${s.undecided} not decisive` : null,
    s.errors > 0 ? `${s.errors} grader errors` : null,
  ].filter((x): x is string => x !== null);
  if (s.pass.rate === null) {
    return html`<td class="rate"><span class="muted">not decided</span> <span class="n">${extra.join(", ")}</span></td>`;
  }
  return html`<td class="rate" data-rate="${s.pass.rate}">${intervalBar(s.pass.rate, s.pass.low, s.pass.high, { width: 90, confidence })}<span class="rate-text"><strong>${percent(
    s.pass.rate,
  )}</strong> <span class="ci">${percentRange(s.pass.low, s.pass.high)}</span> <span class="n">${s.passed}/${s.passed + s.failed}${
    extra.length > 0 ? `; ${extra.join(", ")}` : ""
  }</span></span></td>`;
}

function criteriaTable(analysis: Analysis): SafeHtml {
  const ids = new Map<string, { criterion: string; kind: Kind; hard: boolean }>();
  for (const c of analysis.candidates) {
    for (const s of c.criteria) {
      const id = `${s.kind}\u0000${s.criterion}`;
      const seen = ids.get(id);
      ids.set(id, { criterion: s.criterion, kind: s.kind, hard: (seen?.hard ?? false) || s.hard });
    }
  }
  const order: Record<Kind, number> = { deterministic: 0, judge: 1, heuristic: 2 };
  const rows = [...ids.values()]
    .sort(
      (a, b) =>
        Number(b.hard) - Number(a.hard) || order[a.kind] - order[b.kind] || a.criterion.localeCompare(b.criterion),
    )
    .map(
      (id) =>
        html`<tr data-criterion="${id.criterion}" data-kind="${id.kind}"><th scope="row">${id.criterion}</th><td>${kindBadge(id.kind)}</td><td>${
          id.hard ? html`<span class="tag tag-hard">must pass</span>` : html`<span class="muted">scored</span>`
        }</td>${analysis.candidates.map((c) =>
          criterionCell(
            c.criteria.find((s) => s.criterion === id.criterion && s.kind === id.kind),
            analysis.settings.confidence,
          ),
        )}</tr>`,
    );
  // Judged expectations the run recorded without a judge: counts, never a rate or a judge's verdict.
  const unjudged = [...new Set(analysis.candidates.flatMap((c) => c.not_judged.map((x) => x.criterion)))].sort();
  const unjudgedRows = unjudged.map(
    (criterion) =>
      html`<tr data-criterion="${criterion}" data-kind="not_judged"><th scope="row">${criterion}</th><td><span class="tag kind-unjudged" title="A judged expectation: the run had no judge, so it was recorded and not graded">not judged (no --judge)</span></td><td><span class="muted">not graded</span></td>${analysis.candidates.map(
        (c) => {
          const x = c.not_judged.find((n) => n.criterion === criterion);
          return x
            ? html`<td class="muted">${count(x.grades)} not judged <span class="n">in ${count(x.trials)} conversations</span></td>`
            : html`<td class="muted">–</td>`;
        },
      )}</tr>`,
  );
  return html`<div class="table-scroll"><table class="data criteria"><thead><tr><th scope="col">Criterion</th><th scope="col">Graded by</th><th scope="col">Role</th>${analysis.candidates.map(
    (c) => html`<th scope="col">${c.candidate}</th>`,
  )}</tr></thead><tbody>${rows}${unjudgedRows}</tbody></table></div>`;
}

function distributionCell(d: ScoreDistribution | undefined): SafeHtml {
  if (!d || d.n === 0) return html`<td class="muted">not graded</td>`;
  return html`<td class="dist" data-criterion="${d.criterion}" data-kind="${d.kind}">${histogram(d)}<div class="n">mean <strong>${decimal(
    d.mean,
    2,
  )}</strong> on ${d.scale[0]}–${d.scale[1]}, n=${count(d.n)}${d.kind === "heuristic" ? " (heuristic)" : ""}</div></td>`;
}

function distributions(analysis: Analysis): SafeHtml | null {
  // 0–1 deterministic scores are pass/fail in disguise; the table above already shows them.
  const shown = (d: ScoreDistribution): boolean => d.n > 0 && !(d.kind === "deterministic" && d.scale[1] <= 1);
  const ids = new Map<string, { criterion: string; kind: Kind }>();
  for (const c of analysis.candidates) {
    for (const d of c.scores.filter(shown))
      ids.set(`${d.kind}\u0000${d.criterion}`, { criterion: d.criterion, kind: d.kind });
  }
  if (ids.size === 0) return null;
  const rows = [...ids.values()].map(
    (id) =>
      html`<tr><th scope="row">${id.criterion}<br>${kindBadge(id.kind)}</th>${analysis.candidates.map((c) =>
        distributionCell(c.scores.find((d) => d.criterion === id.criterion && d.kind === id.kind)),
      )}</tr>`,
  );
  return html`<h3>Score distributions</h3><p class="lede">How the graded scores spread, from the lowest level on the left to the highest on the right.</p><div class="table-scroll"><table class="data dists"><thead><tr><th scope="col">Criterion</th>${analysis.candidates.map(
    (c) => html`<th scope="col">${c.candidate}</th>`,
  )}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function topFailures(analysis: Analysis): SafeHtml | null {
  const blocks = analysis.candidates
    .filter((c) => c.top_failures.length > 0)
    .map(
      (c) =>
        html`<div class="failures"><h4>${c.candidate}</h4><ol>${c.top_failures.map(
          (f) =>
            html`<li><strong>${f.criterion}</strong> <span class="n">failed in ${count(f.count)} ${f.count === 1 ? "conversation" : "conversations"}${
              f.grades > f.count ? ` (${count(f.grades)} failed checks)` : ""
            } of ${count(f.scenarios)} ${f.scenarios === 1 ? "scenario" : "scenarios"}</span><ul>${f.examples.map(
              (e) =>
                html`<li><a class="trial-link" href="#trial=${encodeURIComponent(e.key)}">${e.suite}/${e.scenario} #${e.trial}</a>: ${e.reason}</li>`,
            )}</ul></li>`,
        )}</ol></div>`,
    );
  if (blocks.length === 0) return null;
  return html`<h3>Most frequent failures</h3><div class="failure-grid">${blocks}</div>`;
}

/** The grader breakdown section. */
export function gradersSection(analysis: Analysis): SafeHtml {
  return html`<section id="graders" aria-labelledby="graders-h">
<h2 id="graders-h">What the graders found</h2>
<p class="lede">Every criterion, how it was graded and how often it passed. “Must pass” criteria decide a conversation; scored ones are reported alongside. Heuristic scores are offline approximations and are labelled as such.</p>
${criteriaTable(analysis)}
${distributions(analysis)}
${topFailures(analysis)}
</section>`;
}
