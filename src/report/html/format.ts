import type { Decision, Limit } from "../../analysis/schema.js";

/** Number formats in plain words for people who do not read statistics every day. */

/** "84%"; "–" for a missing figure. */
export function percent(rate: number | null | undefined, digits = 0): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "–";
  const text = (rate * 100).toFixed(digits);
  // Float dust such as 1 − 1.0000000000000002 must not print as "-0%".
  return `${/^-0(\.0+)?$/.test(text) ? text.slice(1) : text}%`;
}

/** A lower bound in percent, rounded down: "at least 84%" never shows 84.6% as 85%. */
export function percentFloor(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "–";
  return `${Math.max(0, Math.floor(rate * 100 + 1e-9))}%`;
}

/**
 * "79–88%" from a Wilson or bootstrap interval, outward: the lower bound rounded down and the upper
 * bound rounded up, so 0.9973–1 prints "99–100%", never "100–100%".
 */
export function percentRange(low: number | null, high: number | null): string {
  if (low === null || high === null) return "–";
  const lo = Math.max(0, Math.floor(low * 100 + 1e-9));
  const hi = Math.min(100, Math.ceil(high * 100 - 1e-9));
  return `${lo}–${hi}%`;
}

/** The confidence level of an interval in words: 0.95 → "95%", 0.8 → "80%", 0.975 → "97.5%". */
export function confidenceLabel(confidence: number): string {
  return `${Number((confidence * 100).toFixed(1))}%`;
}

/** A difference of two rates in percentage points, rounded: 0.0712 → 7. */
export function points(diff: number): number {
  return Math.round(diff * 100);
}

/** "p=0.002", "p<0.001". */
export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "p not computed";
  if (p < 0.001) return "p<0.001";
  if (p < 0.01) return `p=${p.toFixed(3)}`;
  return `p=${p.toFixed(2)}`;
}

/** "$0.0123" for small amounts, "$1,234" for large ones; ISO currency codes other than USD are prefixed. */
export function money(amount: number | null | undefined, currency = "USD"): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return "–";
  // Sums of tiny costs leave float dust like -1e-12: that is zero, not a negative amount.
  if (Math.abs(amount) < 5e-5) amount = 0;
  const abs = Math.abs(amount);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 4 : abs < 1 ? 3 : abs < 100 ? 2 : 0;
  const formatted = abs.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const sign = amount < 0 ? "−" : "";
  return currency === "USD" ? `${sign}$${formatted}` : `${sign}${formatted} ${currency}`;
}

/** "1.2 s", "850 ms". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** "12,345". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A decimal with a fixed number of digits, "–" when missing. */
export function decimal(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toFixed(digits);
}

export const DECISION_LABEL: Record<Decision, string> = {
  automate: "Automate",
  automate_with_review: "Automate with review",
  keep_human: "Keep human",
  insufficient_evidence: "Insufficient evidence",
};

/** A symbol per decision so that the heat-map reads without colour too. */
export const DECISION_SYMBOL: Record<Decision, string> = {
  automate: "●",
  automate_with_review: "◐",
  keep_human: "○",
  insufficient_evidence: "?",
};

export const TIER_LABEL: Record<number, string> = {
  1: "Tier 1 · routine",
  2: "Tier 2 · multi-step",
  3: "Tier 3 · sensitive",
};

/** The tier name, with a fallback for tiers outside 1–3. */
export function tierLabel(tier: number): string {
  return TIER_LABEL[tier] ?? `Tier ${tier}`;
}

/** What keeps a cell from a bolder decision, in words. */
export const LIMIT_LABEL: Record<Limit, string> = {
  evidence: "too few scenarios to decide",
  pass_rate: "pass rate too low to be sure",
  missed_escalation: "missed hand-offs to a person",
  empathy: "empathy below the bar",
  empathy_missing: "no empathy score (judge needed)",
  own_failure: "its own conversation failed",
  tier_ceiling: "policy: this tier is always reviewed",
};
