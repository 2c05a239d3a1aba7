import { z } from "zod";
import type { Analysis } from "../../../analysis/schema.js";
import { kappaWord } from "../../../graders/judge/calibrate.js";
import { type RunMeta, SelftestReport } from "../../../run/schema.js";
import { count, decimal, percent } from "../format.js";
import { html, type SafeHtml } from "../html.js";
import { intervalBar } from "../svg.js";

/**
 * Self-test and calibration figures. run.json types them `unknown`; a report of a known shape gets
 * its own tables, anything else is shown generically: nothing is dropped and nothing is trusted
 * to be markup.
 */

/**
 * The part of the calibrate command's report that this section shows. Calibration publishes a
 * TypeScript interface, not a schema, so the report validates what it reads.
 */
const Agreement = z.object({
  n: z.number(),
  kappa: z.number().nullable(),
  exact: z.number().nullable(),
  within_one: z.number().nullable(),
  bias: z.number().nullable(),
});
type Agreement = z.infer<typeof Agreement>;

const CalibrationView = z.object({
  grader: z.string(),
  kind: z.string(),
  items: z.number(),
  criteria: z.array(
    z.object({
      label: z.string(),
      criterion: z.string(),
      overall: Agreement,
      by_language: z.record(z.string(), Agreement),
      missing: z.number(),
    }),
  ),
  errors: z.array(z.object({ id: z.string(), message: z.string() })).default([]),
});
type CalibrationView = z.infer<typeof CalibrationView>;

const LIST_LIMIT = 20;

const MAX_DEPTH = 4;
const MAX_ITEMS = 200;

function label(key: string): string {
  return key.replace(/_/g, " ");
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? count(value) : value.toFixed(3);
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFlat(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.values(value).every((v) => v === null || typeof v !== "object");
}

/** Renders any JSON value: objects as definition lists, arrays of flat objects as tables. */
export function genericFigures(value: unknown, depth = 0): SafeHtml {
  if (value === null || typeof value !== "object") return html`<span class="value">${scalar(value)}</span>`;
  if (depth >= MAX_DEPTH) return html`<code class="value">${JSON.stringify(value).slice(0, 500)}</code>`;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS);
    const more = value.length > MAX_ITEMS ? html`<p class="muted">… and ${value.length - MAX_ITEMS} more</p>` : null;
    if (items.length > 0 && items.every(isFlat)) {
      const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
      return html`<div class="table-scroll"><table class="data generic"><thead><tr>${columns.map(
        (c) => html`<th scope="col">${label(c)}</th>`,
      )}</tr></thead><tbody>${items.map(
        (i) =>
          html`<tr>${columns.map((c) => html`<td class="${typeof i[c] === "number" ? "num" : ""}">${scalar(i[c])}</td>`)}</tr>`,
      )}</tbody></table></div>${more}`;
    }
    if (items.every((i) => i === null || typeof i !== "object")) {
      return html`<span class="value">${items.map(scalar).join(", ")}</span>${more}`;
    }
    return html`<ol class="generic">${items.map((i) => html`<li>${genericFigures(i, depth + 1)}</li>`)}</ol>${more}`;
  }
  const entries = Object.entries(value).slice(0, MAX_ITEMS);
  return html`<dl class="generic">${entries.map(
    ([k, v]) => html`<div class="pair"><dt>${label(k)}</dt><dd>${genericFigures(v, depth + 1)}</dd></div>`,
  )}</dl>`;
}

function capped<T>(items: readonly T[], render: (item: T) => SafeHtml): SafeHtml {
  const more = items.length > LIST_LIMIT ? html`<li class="muted">… and ${items.length - LIST_LIMIT} more</li>` : null;
  return html`<ul class="compact">${items.slice(0, LIST_LIMIT).map(render)}${more}</ul>`;
}

function rateCell(rate: number | null): SafeHtml {
  return html`<td class="rate">${intervalBar(rate, null, null, { width: 90 })}<span class="rate-text"><strong>${percent(rate)}</strong></span></td>`;
}

/** Gold answers must pass (specificity), broken ones must fail (sensitivity), per grader and per kind of break. */
function selftestFigures(r: SelftestReport): SafeHtml {
  const caught = r.mutations.reduce((sum, m) => sum + m.caught, 0);
  const applicable = r.mutations.reduce((sum, m) => sum + m.applicable, 0);
  const verdict = r.ok
    ? html`<p class="verdict-line ok">✓ The graders pass their self-test (threshold ${percent(r.threshold)}).</p>`
    : html`<p class="verdict-line not-ok">✗ The graders fail their self-test (threshold ${percent(r.threshold)}): read the failures below before trusting the figures above.</p>`;
  const graders = html`<div class="table-scroll"><table class="data"><thead><tr><th scope="col">Grader</th><th scope="col">Catches broken answers <span class="hint">sensitivity</span></th><th scope="col">Passes gold answers <span class="hint">specificity</span></th><th scope="col">Broken answers</th><th scope="col">Gold answers</th></tr></thead><tbody>${r.graders.map(
    (g) =>
      html`<tr data-grader="${g.grader}"><th scope="row">${g.grader}</th>${rateCell(g.sensitivity)}${rateCell(g.specificity)}<td class="num">${count(g.mutants)}</td><td class="num">${count(g.gold)}</td></tr>`,
  )}</tbody></table></div>`;
  const mutations = html`<details class="breakdown"><summary>By kind of break</summary><div class="table-scroll"><table class="data"><thead><tr><th scope="col">Break</th><th scope="col">Meant for</th><th scope="col">Applicable</th><th scope="col">Caught</th><th scope="col">Caught by the grader meant for it</th><th scope="col">Sensitivity</th></tr></thead><tbody>${r.mutations.map(
    (m) =>
      html`<tr><th scope="row">${m.mutation}</th><td>${m.target}</td><td class="num">${count(m.applicable)}</td><td class="num">${count(m.caught)}</td><td class="num">${count(m.by_target)}</td><td class="num">${percent(m.sensitivity)}</td></tr>`,
  )}</tbody></table></div></details>`;
  const goldFailures =
    r.gold_failures.length > 0
      ? html`<h5>Gold answers that failed</h5>${capped(r.gold_failures, (f) => html`<li><strong>${f.scenario}</strong>: ${f.reasons.join("; ")}</li>`)}`
      : null;
  const missed =
    r.missed_mutants.length > 0
      ? html`<h5>Broken answers nobody caught</h5>${capped(r.missed_mutants, (m) => html`<li><strong>${m.scenario}</strong>: ${m.mutation}</li>`)}`
      : null;
  return html`${verdict}<p>${count(r.gold.passed)} of ${count(r.gold.total)} gold answers pass (${percent(r.gold.specificity)}); ${count(caught)} of ${count(
    applicable,
  )} broken answers are caught, over ${count(r.scenarios)} scenarios.</p>${graders}${mutations}${goldFailures}${missed}`;
}

function agreementRow(label: SafeHtml, a: Agreement, className: string): SafeHtml {
  const bias = a.bias === null ? "–" : `${a.bias >= 0 ? "+" : "−"}${Math.abs(a.bias).toFixed(2)}`;
  return html`<tr class="${className}"><th scope="row">${label}</th><td class="num">${count(a.n)}</td><td class="num">${decimal(a.kappa, 2)}</td><td>${kappaWord(
    a.kappa,
  )}</td><td class="num">${percent(a.exact)}</td><td class="num">${percent(a.within_one)}</td><td class="num">${bias}</td></tr>`;
}

/** Agreement of a judge with human labels, per criterion and language, with Landis and Koch's words for kappa. */
function calibrationFigures(r: CalibrationView): SafeHtml {
  const rows = r.criteria.map(
    (c) =>
      html`${agreementRow(html`${c.criterion}${c.label !== c.criterion ? html` <span class="n">(label ${c.label})</span>` : null}`, c.overall, "")}${Object.entries(
        c.by_language,
      )
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([language, a]) => agreementRow(html`<span class="indent">${language}</span>`, a, "sub"))}`,
  );
  const errors =
    r.errors.length > 0 ? html`<p class="muted">${count(r.errors.length)} items could not be graded.</p>` : null;
  return html`<p>${r.grader} (${r.kind}) against ${count(r.items)} human-labelled conversations. Kappa corrects agreement for chance: above 0.6 is substantial, above 0.8 almost perfect. A positive bias means the judge is more lenient than people.</p><div class="table-scroll"><table class="data calibration"><thead><tr><th scope="col">Criterion</th><th scope="col">Items</th><th scope="col">Kappa</th><th scope="col">Agreement</th><th scope="col">Exact</th><th scope="col">Within one</th><th scope="col">Bias</th></tr></thead><tbody>${rows}</tbody></table></div>${errors}`;
}

function selftestBlock(value: unknown): SafeHtml {
  const known = SelftestReport.safeParse(value);
  return known.success ? selftestFigures(known.data) : genericFigures(value);
}

function calibrationBlock(value: unknown): SafeHtml {
  const known = CalibrationView.safeParse(value);
  return known.success ? calibrationFigures(known.data) : genericFigures(value);
}

interface Figures {
  run: string;
  selftest: unknown;
  calibration: unknown;
}

function collect(analysis: Analysis, metas: readonly RunMeta[]): Figures[] {
  const byRun = new Map<string, Figures>();
  for (const r of [...analysis.runs, ...metas]) {
    const seen = byRun.get(r.run) ?? { run: r.run, selftest: undefined, calibration: undefined };
    byRun.set(r.run, {
      run: r.run,
      selftest: seen.selftest ?? r.selftest,
      calibration: seen.calibration ?? r.calibration,
    });
  }
  return [...byRun.values()].filter((f) => f.selftest !== undefined || f.calibration !== undefined);
}

/** The self-test and calibration section, or null when no run carries those figures. */
export function selftestSection(analysis: Analysis, metas: readonly RunMeta[]): SafeHtml | null {
  const figures = collect(analysis, metas);
  if (figures.length === 0) return null;
  const several = figures.length > 1;
  return html`<section id="selftest" aria-labelledby="selftest-h">
<h2 id="selftest-h">Can the graders be trusted?</h2>
<p class="lede">Self-test replays every scenario's ideal answer (it must pass) and broken versions of it (they must fail), which measures each grader's sensitivity and specificity. Calibration compares the judge with human labels.</p>
${figures.map(
  (f) =>
    html`${several ? html`<h3>Run ${f.run}</h3>` : null}${
      f.selftest !== undefined
        ? html`<div class="figures" data-figures="selftest"><h4>Self-test</h4>${selftestBlock(f.selftest)}</div>`
        : null
    }${
      f.calibration !== undefined
        ? html`<div class="figures" data-figures="calibration"><h4>Judge calibration</h4>${calibrationBlock(f.calibration)}</div>`
        : null
    }`,
)}
</section>`;
}
