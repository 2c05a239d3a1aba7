/**
 * The report's stylesheet, inlined and allowed by its CSP hash. Colours follow the Okabe–Ito
 * palette, which stays distinct for the common colour-vision deficiencies; every colour is also
 * paired with a symbol or a word.
 */
export const STYLES = `
:root {
  --ink: #1b2430; --ink-2: #4a5563; --ink-3: #6b7684; --line: #dde2e8; --paper: #ffffff; --wash: #f5f7f9;
  --blue: #0072b2; --sky: #56b4e9; --green: #009e73; --orange: #e69f00; --vermillion: #d55e00; --purple: #cc79a7;
  --automate-bg: #d4efe5; --automate-ink: #00573f;
  --review-bg: #fcefcf; --review-ink: #6a4800;
  --human-bg: #f8dccb; --human-ink: #7a3000;
  --unknown-bg: #eef0f2; --unknown-ink: #4a5563;
  --radius: 8px;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
  font-variant-numeric: tabular-nums; }
.page { max-width: 1200px; margin: 0 auto; padding: 0 28px 64px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
h1 { font-size: 30px; }
h2 { font-size: 23px; margin: 56px 0 6px; padding-top: 20px; border-top: 1px solid var(--line); }
h3 { font-size: 17px; margin: 30px 0 10px; }
h4 { font-size: 15px; margin: 18px 0 8px; }
p { margin: 0 0 10px; }
a { color: var(--blue); }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.muted, .n, .hint { color: var(--ink-3); }
.n { font-size: 12.5px; }
.hint { display: block; font-weight: 400; font-size: 12px; }
.lede { color: var(--ink-2); max-width: 78ch; margin-bottom: 16px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.masthead { background: var(--ink); color: #fff; }
.masthead .page { padding-top: 26px; padding-bottom: 22px; }
.masthead .eyebrow { text-transform: uppercase; letter-spacing: 0.12em; font-size: 12px; color: #aeb9c6; margin-bottom: 6px; }
.masthead .meta { display: flex; flex-wrap: wrap; gap: 6px 20px; margin-top: 10px; color: #cfd7e0; font-size: 13.5px; }
.masthead .meta strong { color: #fff; font-weight: 600; }
.toc { position: sticky; top: 0; z-index: 5; background: rgba(255,255,255,0.96); border-bottom: 1px solid var(--line); }
.toc .page { display: flex; flex-wrap: wrap; gap: 4px 22px; padding-top: 10px; padding-bottom: 10px; font-size: 14px; }
.toc a { color: var(--ink-2); text-decoration: none; }
.toc a:hover { color: var(--blue); text-decoration: underline; }

.warnings { margin: 24px 0 0; padding: 12px 16px; border-left: 4px solid var(--orange); background: #fff8e8; border-radius: 4px; }
.warnings ul { margin: 4px 0 0; padding-left: 20px; }
.summary h2 { border-top: 0; margin-top: 30px; }
.recommendation .lead { font-size: 21px; font-weight: 650; line-height: 1.35; margin: 0 0 8px; }
.recommendation ul { margin: 0; padding-left: 20px; }
.recommendation li { margin: 3px 0; }
.recommendation { font-size: 16px; line-height: 1.5; max-width: 86ch; margin: 10px 0 22px; padding: 16px 20px;
  border-left: 5px solid var(--blue); background: #eef5fb; border-radius: 0 var(--radius) var(--radius) 0; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px; margin: 0 0 8px; }
.kpi { border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 16px 12px; border-top: 4px solid var(--ink-3); }
.kpi-automate { border-top-color: var(--green); }
.kpi-risk { border-top-color: var(--vermillion); }
.kpi-coverage { border-top-color: var(--sky); }
.kpi-value { font-size: 30px; font-weight: 700; letter-spacing: -0.02em; line-height: 1.1; }
.kpi-label { font-weight: 600; margin-top: 2px; }
.kpi-note { color: var(--ink-3); font-size: 13px; margin-top: 6px; }

.share-figure { margin: 6px 0 10px; }
.share-figure svg { display: block; border-radius: 4px; overflow: hidden; }
.share-figure figcaption { display: flex; flex-wrap: wrap; gap: 4px 18px; margin-top: 8px; font-size: 13.5px; }
.share-figure figcaption .muted { flex-basis: 100%; }
.fill-automate { fill: var(--green); } .fill-automate_with_review { fill: var(--orange); }
.fill-keep_human { fill: var(--vermillion); } .fill-insufficient_evidence { fill: #b9c0c8; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 14px 0 8px; font-size: 13.5px; }
.swatch { display: inline-flex; align-items: center; justify-content: center; width: 20px; height: 20px; border-radius: 4px;
  margin-right: 6px; font-size: 12px; vertical-align: -4px; border: 1px solid rgba(0,0,0,0.08); }

.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; }
.heatmap { border-collapse: separate; border-spacing: 3px; margin: 4px -3px 0; }
.heatmap th { font-weight: 600; font-size: 13.5px; text-align: left; padding: 4px 10px 4px 2px; white-space: nowrap; }
.heatmap thead th.lang { text-align: center; text-transform: uppercase; letter-spacing: 0.04em; color: var(--ink-2); }
.heatmap .tier-row th { padding: 12px 2px 2px; color: var(--ink-3); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
.heatmap .row-share { font-size: 12px; color: var(--ink-3); text-align: right; padding-left: 10px; white-space: nowrap; }
.heatmap td.cell { min-width: 118px; padding: 6px 9px; border-radius: 6px; vertical-align: top; font-size: 12.5px; line-height: 1.3; }
.cell .sym { font-size: 14px; margin-right: 5px; }
.heatmap.compact td.cell { min-width: 44px; text-align: center; padding: 5px 3px; }
.heatmap.compact thead th.lang { font-size: 12px; }
.heatmap.compact .cell-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.heatmap.compact .sym { margin-right: 0; }
.heatmap.compact .cell-figure { font-size: 11px; }
.cell .cell-label { font-weight: 600; }
.cell .cell-figure { display: block; font-size: 12px; opacity: 0.85; margin-top: 1px; }
.decision-automate { background: var(--automate-bg); color: var(--automate-ink); }
.decision-automate_with_review { background: var(--review-bg); color: var(--review-ink); }
.decision-keep_human { background: var(--human-bg); color: var(--human-ink); }
.decision-insufficient_evidence { color: var(--unknown-ink);
  background: repeating-linear-gradient(135deg, var(--unknown-bg) 0 6px, #ffffff 6px 10px); }
.decision-none { background: #fafbfc; color: #b3bac3; text-align: center; }
.swatch.decision-automate { background: var(--green); color: #fff; } .swatch.decision-automate_with_review { background: var(--orange); color: #fff; }
.swatch.decision-keep_human { background: var(--vermillion); color: #fff; }
.tier-badge { display: inline-block; min-width: 24px; padding: 0 4px; margin-right: 8px; border-radius: 4px; font-size: 11px;
  text-align: center; background: var(--wash); color: var(--ink-2); border: 1px solid var(--line); }
.tier-badge.tier-3 { background: #f3e3ec; border-color: #e2c1d3; color: #6d2d50; }
.heatmap td.cell.pooled { outline: 1.5px dashed currentColor; outline-offset: -4px; }
.swatch-pooled { background: #fff; outline: 1.5px dashed var(--ink-2); outline-offset: -4px; }
.pooled-mark { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; border: 1.5px dashed var(--ink-3); border-radius: 3px; }
.legend li { display: flex; align-items: center; }
.legend .legend-pooled { flex-basis: 100%; color: var(--ink-2); }
.legend .legend-figure { color: var(--ink-2); }
.chip { display: inline-flex; align-items: center; gap: 5px; padding: 2px 9px 2px 7px; border-radius: 999px; font-size: 12.5px; font-weight: 600; white-space: nowrap; }
.plan-table td.decision { width: 1%; white-space: nowrap; }
.plan-table th[scope=row] { white-space: nowrap; }
.plan-table td.members, .plan-table td.pool-evidence, .plan-table td.limits { font-size: 13px; color: var(--ink-2); }
.plan-table .limit { display: block; padding-left: 0.7em; text-indent: -0.7em; }
.plan-table td.limits { min-width: 260px; }
.plan-table td.members { min-width: 140px; }
.plan-table .limit::before { content: "· "; color: var(--ink-3); }
.plan-table .except { display: block; color: var(--ink); }
.plan-table .evidence-line { display: block; }
.plan-table .code { color: var(--ink-3); font-weight: 400; font-size: 12px; }
.languages-detail { margin-top: 10px; }
.tag-pooled { border-style: dashed; border-color: var(--ink-3); background: #fff; }
.why-list { margin: 0; padding-left: 16px; }
.why-list li { margin: 0 0 3px; }
.notes { color: var(--ink-2); font-size: 13.5px; padding-left: 20px; margin-top: 12px; }
.other-plans { margin-top: 20px; }
.other-plans h4 { margin-top: 18px; }
details > summary { cursor: pointer; font-weight: 600; padding: 6px 0; }

.data { width: 100%; font-size: 13.5px; margin: 4px 0 8px; }
.data th, .data td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
.data thead th { font-size: 12.5px; color: var(--ink-2); font-weight: 600; border-bottom: 2px solid var(--line); vertical-align: bottom; }
.data tbody th { font-weight: 600; }
.data .num { text-align: right; white-space: nowrap; }
.data td.rate { white-space: nowrap; }
.rate svg { vertical-align: middle; margin-right: 8px; }
.rate-text strong { font-weight: 650; }
.ci { color: var(--ink-3); font-size: 12.5px; }
.candidate { word-break: break-word; }
.chart .track { fill: #e9edf1; }
.chart .bar { fill: var(--blue); }
.chart .whisker { stroke: var(--ink); stroke-width: 1.5; }
.chart .track-line { stroke: #d5dbe1; stroke-width: 2; }
.chart .dot { fill: var(--blue); }
.chart .axis { stroke: #b9c0c8; }
.chart .tick { font-size: 10px; fill: var(--ink-3); }
.chart .tick.end { text-anchor: end; }
.chart .tick.mid { text-anchor: middle; }
.histogram .bar { fill: var(--sky); }
.passk { display: inline-block; margin-right: 12px; white-space: nowrap; }
.tag { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 7px; border-radius: 999px; border: 1px solid var(--line);
  color: var(--ink-2); background: var(--wash); white-space: nowrap; vertical-align: 1px; }
.tag-recommended { background: var(--blue); border-color: var(--blue); color: #fff; }
.tag-hard { background: #fff; }
.kind-judge { background: #e8f2fa; border-color: #bcd8ee; color: #074a75; }
.kind-heuristic { background: #fbeaf3; border-color: #e8c1d6; color: #7b2d57; font-style: italic; }
.kind-unjudged { background: #fff; border-style: dashed; color: var(--ink-2); }
.comparisons { padding-left: 0; list-style: none; }
.comparisons li { padding: 10px 14px; margin-bottom: 8px; border-radius: var(--radius); background: var(--wash); font-size: 15px; }
.comparisons li.significant { background: #eef5fb; border-left: 4px solid var(--blue); }
.comparisons li .n { display: block; margin-top: 2px; }
.escalation .good { color: #00573f; } .escalation .warn { color: #6a4800; } .escalation .bad { color: #a23f00; font-weight: 700; }
.breakdown { margin: 6px 0; }
.dists td.dist { padding: 10px 10px 8px; }
.dists .histogram { display: block; }
.failure-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 8px 28px; }
.failures ol { padding-left: 20px; font-size: 13.5px; }
.failures ol > li { margin-bottom: 8px; }
.failures ul { padding-left: 16px; color: var(--ink-2); }
.figures { margin-bottom: 16px; }
.verdict-line { font-weight: 600; padding: 8px 12px; border-radius: 6px; display: inline-block; }
.verdict-line.ok { background: #dcebf6; color: #08466e; }
.verdict-line.not-ok { background: #f8dccb; color: #7a3000; }
h5 { font-size: 14px; margin: 14px 0 4px; }
ul.compact { margin: 0; padding-left: 20px; font-size: 13.5px; }
tr.sub th, tr.sub td { font-size: 12.5px; color: var(--ink-2); padding-top: 4px; padding-bottom: 4px; }
.indent { padding-left: 18px; font-weight: 400; }
dl.generic { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; font-size: 13.5px; }
dl.generic .pair { display: contents; }
dl.generic dt { color: var(--ink-2); }
dl.generic dd { margin: 0; }
.strong { font-weight: 700; }

.filters { display: flex; flex-wrap: wrap; gap: 10px 12px; align-items: flex-end; margin: 10px 0 8px; padding: 14px;
  background: var(--wash); border-radius: var(--radius); }
.filter { display: flex; flex-direction: column; font-size: 12px; color: var(--ink-2); font-weight: 600; gap: 3px; }
.filter.search { flex: 1 1 260px; }
.filter input, .filter select { font: inherit; font-size: 14px; font-weight: 400; color: var(--ink); padding: 6px 8px;
  border: 1px solid #c5cdd6; border-radius: 6px; background: #fff; max-width: 240px; }
.filter.search input { max-width: none; width: 100%; }
.button { font: inherit; font-size: 14px; padding: 6px 12px; border-radius: 6px; border: 1px solid #c5cdd6; background: #fff; color: var(--ink); cursor: pointer; }
.button:hover:not(:disabled) { border-color: var(--blue); color: var(--blue); }
.button:disabled { opacity: 0.45; cursor: default; }
.status { color: var(--ink-2); font-size: 13.5px; margin: 6px 0; }
.trials td { font-size: 13px; padding: 6px 10px; white-space: nowrap; }
.trials td.scenario { white-space: normal; }
.trials .suite { display: block; font-size: 11.5px; color: var(--ink-3); }
.trials td.failed { color: var(--ink-2); white-space: normal; max-width: 260px; }
.trial-row { cursor: pointer; }
.trial-row:hover { background: #f2f7fb; }
.link { font: inherit; color: var(--blue); background: none; border: 0; padding: 0; cursor: pointer; text-align: left; font-weight: 600; }
.link:hover { text-decoration: underline; }
.pager { display: flex; align-items: center; gap: 14px; margin-top: 10px; font-size: 13.5px; color: var(--ink-2); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.verdict-pass { background: #dcebf6; color: #08466e; }
.verdict-fail { background: #f8dccb; color: #7a3000; }
.verdict-error { background: #ece6f3; color: #4b3569; }
.escalation-correct_handoff, .escalation-correct_no_handoff { background: #e6f4ee; color: #00573f; }
.escalation-missed { background: var(--vermillion); color: #fff; }
.escalation-late, .escalation-needless { background: var(--review-bg); color: var(--review-ink); }
.escalation-none { background: var(--wash); color: var(--ink-3); }

dialog { width: min(1180px, 96vw); height: min(92vh, 1000px); padding: 0; border: 0; border-radius: 12px;
  box-shadow: 0 20px 60px rgba(0,0,0,0.35); color: var(--ink); }
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgba(20, 28, 38, 0.55); }
.dialog-head { display: flex; justify-content: space-between; gap: 16px; align-items: flex-start; padding: 16px 20px 12px; border-bottom: 1px solid var(--line); }
.dialog-head h3 { margin: 0 0 6px; font-size: 17px; word-break: break-word; }
.dialog-meta { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin: 0; font-size: 13px; color: var(--ink-2); }
.meta-item.error { color: #a23f00; font-weight: 600; }
.dialog-body { flex: 1; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); min-height: 0; }
.transcript, .grades { overflow: auto; padding: 4px 20px 24px; }
.grades { background: var(--wash); border-left: 1px solid var(--line); }
.event { margin: 10px 0; padding: 10px 14px; border-radius: 10px; border: 1px solid var(--line); max-width: 92%; }
.event-customer { background: #fff; margin-right: auto; }
.event-bot { background: #eaf3fa; border-color: #cfe3f2; margin-left: auto; }
.event-tool { background: #fbfbfc; border-style: dashed; margin-left: auto; font-size: 13px; }
.event-handoff { background: #fff4e0; border: 2px solid var(--orange); max-width: 100%; }
.event-world { background: #fbfbfc; max-width: 100%; font-size: 13px; }
.event.cited { box-shadow: inset 3px 0 0 var(--purple); }
.event-head { display: flex; gap: 10px; align-items: baseline; font-size: 12px; color: var(--ink-3); margin-bottom: 4px; }
.event-head .who { font-weight: 700; color: var(--ink-2); text-transform: uppercase; letter-spacing: 0.05em; }
.event-head .turn { margin-left: auto; }
.said { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.kv { margin-top: 4px; }
.kv .k { display: block; font-size: 11.5px; color: var(--ink-3); }
pre.json { margin: 2px 0 0; padding: 6px 8px; background: #fff; border: 1px solid var(--line); border-radius: 6px;
  white-space: pre-wrap; overflow-wrap: anywhere; max-height: 240px; overflow: auto; }
.changes { margin: 6px 0 0; padding-left: 18px; font-family: ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
mark.cite { background: #fde9a8; color: inherit; border-bottom: 2px solid var(--orange); padding: 0 1px; border-radius: 2px; }
mark.cite-fail { background: #f9d3bd; border-bottom-color: var(--vermillion); }
.flash { animation: flash 1.2s ease-out; }
@keyframes flash { 0% { outline: 3px solid var(--blue); outline-offset: 2px; } 100% { outline: 3px solid transparent; outline-offset: 2px; } }
.grade { background: #fff; border: 1px solid var(--line); border-radius: var(--radius); padding: 10px 12px; margin-bottom: 8px; font-size: 13.5px; }
.grade-fail { border-left: 4px solid var(--vermillion); }
.grade-pass { border-left: 4px solid var(--blue); }
.grade-error { border-left: 4px solid var(--purple); }
.grade-none { border-left: 4px solid #b9c0c8; }
.grade-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.grade-status { font-weight: 700; width: 16px; }
.grade-fail .grade-status { color: var(--vermillion); } .grade-pass .grade-status { color: var(--blue); }
.grade .reason { margin: 6px 0 0; color: var(--ink-2); }
.grade .reason.error { color: #a23f00; }
.evidence { display: block; width: 100%; text-align: left; font: inherit; font-size: 13px; margin-top: 6px; padding: 5px 8px; cursor: pointer;
  background: #fffbea; border: 1px solid #f1e2a6; border-radius: 6px; color: var(--ink); }
.evidence:hover { border-color: var(--orange); }
.evidence.unplaced { background: #fff; border-style: dashed; }

footer.colophon { margin-top: 56px; padding-top: 16px; border-top: 1px solid var(--line); color: var(--ink-3); font-size: 12.5px; }

.reasons { margin-top: 12px; }
.reasons td.decision { white-space: nowrap; }
.reasons-table tr.cell-row th, .reasons-table tr.cell-row td { border-bottom: 0; padding-bottom: 2px; }
.reasons-table tr.why-row td { color: var(--ink-2); font-size: 12.5px; padding-top: 0; }
.reasons-table .why-list { padding-left: 18px; }
.print-only { display: none; }
@media (max-width: 600px) {
  .page { padding-left: 16px; padding-right: 16px; }
  .recommendation { font-size: 17px; padding: 12px 14px; }
  h1 { font-size: 24px; }
}
@media (max-width: 900px) {
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .dialog-body { grid-template-columns: 1fr; overflow: auto; }
  .transcript, .grades { overflow: visible; }
}
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .masthead { background: none; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .masthead .meta, .masthead .eyebrow, .masthead .meta strong { color: var(--ink); }
  .toc, .filters, .pager, dialog, #trial-status, noscript, #trials .table-scroll, details.reasons.long { display: none !important; }
  .print-only { display: block; }
  #trials .lede::after { content: " (The list of conversations is in the interactive report.)"; }
  h2 { break-after: avoid; }
  .kpi, .heatmap, .comparisons li, .dist, .grade, figure { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: contents; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;
