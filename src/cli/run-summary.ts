import type { ResultLine } from "../run/schema.js";
import { pct, table } from "./io.js";

/** Running totals for the end-of-run terminal summary (results themselves live on disk). */
export class RunSummary {
  private readonly rows = new Map<
    string,
    { n: number; pass: number; error: number; tiers: number[][]; missed: number; needless: number; cost: number }
  >();

  add(line: ResultLine): void {
    let r = this.rows.get(line.candidate);
    if (!r) {
      r = { n: 0, pass: 0, error: 0, tiers: [0, 1, 2].map(() => [0, 0]), missed: 0, needless: 0, cost: 0 };
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
    return table([head, ...body]);
  }
}
