import type { JudgeUsage } from "../graders/schema.js";
import type { ResultLine } from "../run/schema.js";
import { pct, table } from "./io.js";

/** Running totals for the end-of-run terminal summary (results themselves live on disk). */
export class RunSummary {
  private readonly rows = new Map<
    string,
    {
      n: number;
      pass: number;
      error: number;
      tiers: number[][];
      missed: number;
      needless: number;
      cost: number;
      calls: number;
      cached: number;
    }
  >();

  add(line: ResultLine): void {
    let r = this.rows.get(line.candidate);
    if (!r) {
      r = {
        n: 0,
        pass: 0,
        error: 0,
        tiers: [0, 1, 2].map(() => [0, 0]),
        missed: 0,
        needless: 0,
        cost: 0,
        calls: 0,
        cached: 0,
      };
      this.rows.set(line.candidate, r);
    }
    r.n++;
    if (line.verdict === "pass") r.pass++;
    if (line.verdict === "error") r.error++;
    const tier = r.tiers[line.tier - 1]!;
    if (line.verdict !== "error") tier[0]!++;
    if (line.verdict === "pass") tier[1]!++;
    if (line.escalation === "missed" || line.escalation === "late") r.missed++;
    if (line.escalation === "needless") r.needless++;
    r.cost += line.usage.cost_usd;
    r.calls += line.usage.calls;
    r.cached += line.usage.cached_calls;
  }

  render(): string {
    const head = [
      "candidate",
      "trials",
      "pass",
      "tier 1",
      "tier 2",
      "tier 3",
      "missed esc.",
      "needless esc.",
      "errors",
      "cost",
    ];
    // Errors are neither pass nor fail: they stay out of the rates, as in the analysis.
    const rate = (p: number, n: number) => (n ? pct(p / n) : "–");
    const body = [...this.rows.entries()].map(([id, r]) => [
      id,
      String(r.n),
      rate(r.pass, r.n - r.error),
      ...r.tiers.map(([n, p]) => rate(p!, n!)),
      String(r.missed),
      String(r.needless),
      String(r.error),
      `$${r.cost.toFixed(2)}`,
    ]);
    // Cached answers keep the price they were bought at, so the column describes the bot; say
    // how much of it was not paid this time.
    const notes = [...this.rows.entries()]
      .filter(([, r]) => r.cached > 0)
      .map(
        ([id, r]) =>
          `${id}: ${r.cached} of ${r.calls} calls answered from the cache (cost: their price, paid by an earlier run)`,
      );
    return [table([head, ...body]), ...notes].join("\n");
  }
}

/** Tokens in a short form: 7.3M, 41.2k, 950; both figures of a pair in the unit of the larger. */
function tokenUnit(n: number): { div: number; suffix: string } {
  if (n >= 1e6) return { div: 1e6, suffix: "M" };
  if (n >= 1e3) return { div: 1e3, suffix: "k" };
  return { div: 1, suffix: "" };
}

/**
 * One line on what the judge spent, e.g. `judge: 948 calls (2 repairs, 0 failures), 7.3M tokens
 * in / 0.4M out, $12.40 — 7,731 tokens a judged conversation`. `judged` is the number of result
 * lines with a judge grade.
 */
export function judgeSpendLine(usage: JudgeUsage, judged: number): string {
  const { div, suffix } = tokenUnit(Math.max(usage.input_tokens, usage.output_tokens));
  const tok = (n: number) => (div === 1 ? String(n) : `${(n / div).toFixed(1)}${suffix}`);
  const per = judged > 0 ? Math.round((usage.input_tokens + usage.output_tokens) / judged) : null;
  const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
  return (
    `judge: ${plural(usage.calls, "call")} (${usage.cached_calls ? `${usage.cached_calls.toLocaleString("en-US")} cached, ` : ""}${plural(usage.repairs, "repair")}, ${plural(usage.failures, "failure")}), ` +
    `${tok(usage.input_tokens)} tokens in / ${tok(usage.output_tokens)} out, $${usage.cost_usd.toFixed(2)}` +
    (per === null ? " — no conversation judged" : ` — ${per.toLocaleString("en-US")} tokens a judged conversation`)
  );
}
