import { onWords, pct, points, signedPoints } from "./format.js";
import type { GateResult, RuleResult } from "./schema.js";

/** The gate's result for people: one terminal screen, or a Markdown section for GITHUB_STEP_SUMMARY. */

/** Passing rules listed one by one before the rest are counted; failures are always listed in full. */
const MAX_PASS_LINES = 12;

function headline(r: GateResult): string {
  const { pass, fail, skip } = r.counts;
  const total = pass + fail + skip;
  const rest = `${pass} passed${skip ? `, ${skip} skipped` : ""}`;
  return r.passed
    ? `supportbench gate: PASSED (${rest} of ${total} rule${total === 1 ? "" : "s"})`
    : `supportbench gate: FAILED: ${fail} of ${total} rule${total === 1 ? "" : "s"} failed (${rest})`;
}

/** "41.2% < 60.0% (95% Wilson lower bound)" or, for the baseline rule, "−12.5 points, fails at ≤ −5.0". */
function comparison(rule: RuleResult, confidence: number): string {
  if (rule.measured === null) return "";
  if (rule.on === "paired_difference") {
    return `${signedPoints(rule.measured)} points vs baseline (fails when significant and ≤ ${signedPoints(rule.threshold)})`;
  }
  const ok = rule.status === "pass";
  const sign = rule.direction === "min" ? (ok ? "≥" : "<") : ok ? "≤" : ">";
  return `${pct(rule.measured)} ${sign} ${pct(rule.threshold)} (${onWords(rule.on, confidence)})`;
}

function marginWords(rule: RuleResult): string {
  if (rule.margin === null) return "";
  if (rule.on === "paired_difference") return "";
  if (rule.status === "pass") return `${points(rule.margin)} to spare`;
  return rule.direction === "min" ? `short by ${points(rule.margin)}` : `over by ${points(rule.margin)}`;
}

function ruleLine(rule: RuleResult, width: number, confidence: number): string[] {
  const tag = rule.status === "fail" ? "FAIL" : rule.status;
  const label = rule.label.padEnd(width);
  if (rule.measured === null) return [`  ${tag}  ${label}  ${rule.detail}`];
  const figure = [comparison(rule, confidence), marginWords(rule)].filter(Boolean).join("  ");
  // A failure carries its supporting figures; a pass stays on one line so the screen stays one screen.
  return rule.status === "fail" || rule.on === "paired_difference"
    ? [`  ${tag}  ${label}  ${figure}`, `        ${" ".repeat(width)}  ${rule.detail}`]
    : [`  ${tag}  ${label}  ${figure}`];
}

/** The terminal screen: which rule failed and by how much, which passed, which could not be checked. */
export function renderGateText(r: GateResult, context: { policy?: string; baseline?: string } = {}): string {
  const out: string[] = [headline(r)];
  const about = [
    r.runs.length ? `run ${r.runs.join(", ")}` : null,
    context.policy ? `policy ${context.policy}` : null,
    r.baseline ? `baseline ${r.baseline.source}` : null,
  ].filter(Boolean);
  if (about.length) out.push(about.join(" · "));
  if (r.rules.length === 0) out.push("", "No rules apply: the policy sets no thresholds for these candidates.");
  const width = Math.min(40, Math.max(0, ...r.rules.map((x) => x.label.length)));
  for (const candidate of r.candidates) {
    const rules = r.rules.filter((x) => x.candidate === candidate);
    if (rules.length === 0) continue;
    out.push("", candidate);
    const fails = rules.filter((x) => x.status === "fail");
    const passes = rules.filter((x) => x.status === "pass");
    const skips = rules.filter((x) => x.status === "skip");
    for (const x of fails) out.push(...ruleLine(x, width, r.confidence));
    for (const x of passes.slice(0, MAX_PASS_LINES)) out.push(...ruleLine(x, width, r.confidence));
    if (passes.length > MAX_PASS_LINES)
      out.push(`  pass  … and ${passes.length - MAX_PASS_LINES} more rules passed (--json lists every rule)`);
    for (const line of skipLines(skips, width)) out.push(line);
  }
  if (r.notes.length) {
    out.push("", "notes:");
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return `${out.join("\n")}\n`;
}

/** Skipped rules, grouped by reason when there are many (a wildcard over 20 languages would fill the screen). */
function skipLines(skips: RuleResult[], width: number): string[] {
  if (skips.length <= 4) return skips.map((x) => `  skip  ${x.label.padEnd(width)}  ${x.detail}`);
  const byReason = new Map<string, string[]>();
  for (const x of skips) {
    const reason = x.detail.replace(/^insufficient evidence: .*/, "insufficient evidence");
    byReason.set(reason, [...(byReason.get(reason) ?? []), x.label.replace(/^pass rate, /, "")]);
  }
  return [...byReason].map(([reason, labels]) => `  skip  ${labels.length} rules, ${reason}: ${labels.join(", ")}`);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown section (for GITHUB_STEP_SUMMARY or a PR comment) with every rule in one table. */
export function renderGateMarkdown(r: GateResult): string {
  const icon = { pass: "✅", fail: "❌", skip: "➖" } as const;
  const out = [
    `### supportbench gate: ${r.passed ? "passed" : "failed"}`,
    "",
    `${r.counts.fail} failed, ${r.counts.pass} passed, ${r.counts.skip} skipped${r.baseline ? `; baseline ${escapeCell(r.baseline.source)}` : ""}.`,
    "",
    "| | candidate | rule | figure | margin | detail |",
    "|---|---|---|---|---|---|",
  ];
  const order = { fail: 0, pass: 1, skip: 2 } as const;
  const rules = [...r.rules].sort((a, b) => order[a.status] - order[b.status]);
  for (const x of rules) {
    const margin = x.margin === null ? "" : `${signedPoints(x.margin)} points`;
    out.push(
      `| ${icon[x.status]} | ${escapeCell(x.candidate)} | ${escapeCell(x.label)} | ${escapeCell(comparison(x, r.confidence))} | ${margin} | ${escapeCell(x.detail)} |`,
    );
  }
  if (r.notes.length) out.push("", ...r.notes.map((n) => `- ${escapeCell(n)}`));
  return `${out.join("\n")}\n`;
}
