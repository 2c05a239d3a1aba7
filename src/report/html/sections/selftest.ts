import type { Analysis } from "../../../analysis/schema.js";
import type { RunMeta } from "../../../run/schema.js";
import { count } from "../format.js";
import { html, type SafeHtml } from "../html.js";

/**
 * Self-test and calibration figures. Their shape belongs to the selftest and calibrate commands and
 * is `unknown` in run.json, so they are shown as generic tables and lists: nothing is dropped and
 * nothing is trusted to be markup.
 */

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
        ? html`<div class="figures" data-figures="selftest"><h4>Self-test</h4>${genericFigures(f.selftest)}</div>`
        : null
    }${
      f.calibration !== undefined
        ? html`<div class="figures" data-figures="calibration"><h4>Judge calibration</h4>${genericFigures(f.calibration)}</div>`
        : null
    }`,
)}
</section>`;
}
