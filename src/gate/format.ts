import type { RuleResult } from "./schema.js";

/** Number formats shared by the gate's screen, Markdown and rule details. */

/** 0.821 → "82.1%". */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** A difference in percentage points without sign: 0.125 → "12.5 points". */
export function points(x: number): string {
  return `${(100 * Math.abs(x)).toFixed(1)} points`;
}

/** A signed difference in points with a real minus sign: −0.125 → "−12.5". */
export function signedPoints(x: number): string {
  const v = Math.round(1000 * x) / 10;
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(1)}`;
}

/** A p-value for people: three decimals, "< 0.001" below that. */
export function formatP(p: number | null): string {
  if (p === null) return "n/a";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/** Which figure a rule read, in words. */
export function onWords(on: RuleResult["on"], confidence: number): string {
  const level = `${Math.round(confidence * 100)}%`;
  if (on === "lower_bound") return `${level} Wilson lower bound`;
  if (on === "upper_bound") return `${level} Wilson upper bound`;
  if (on === "run_status") return "run status";
  return on === "estimate" ? "estimate" : "paired difference";
}
