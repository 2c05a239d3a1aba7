import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { analyze } from "../src/analysis/analyze.js";
import { decideCell, planScope, recommend } from "../src/analysis/planner.js";
import { PolicyFileError, readScopePolicy } from "../src/analysis/read-policy.js";
import type { CandidateAnalysis, Cell } from "../src/analysis/schema.js";
import { defaultScopePolicy, ScopePolicy } from "../src/analysis/scope-policy.js";
import { wilson } from "../src/analysis/stats.js";
import { makeResultLines } from "./helpers/synthetic-results.js";

const policy = defaultScopePolicy();

interface CellSpec {
  intent?: string;
  language?: string;
  tier?: number;
  passes: number;
  n: number;
  scenarios?: number;
  missed?: number;
  required?: number;
  empathy?: number | null;
  empathyKind?: "judge" | "heuristic";
  volume?: number | null;
  cost?: number;
  resolved?: number;
}

function prop(count: number, n: number) {
  const ci = wilson(count, n);
  return { count, n, rate: n > 0 ? count / n : null, low: ci?.low ?? null, high: ci?.high ?? null };
}

function cell(s: CellSpec): Cell {
  const scenarios = s.scenarios ?? s.n;
  const sufficient = scenarios >= policy.min_scenarios;
  const ci = wilson(s.passes, s.n)!;
  const required = s.required ?? 0;
  const missed = s.missed ?? 0;
  const notRequired = s.n - required;
  return {
    intent: s.intent ?? "refund.status",
    language: s.language ?? "en",
    tier: s.tier ?? 1,
    trials: s.n,
    scenarios,
    errors: 0,
    pass: {
      passes: s.passes,
      n: s.n,
      scenarios,
      effective_n: sufficient ? s.n : null,
      rate: sufficient ? s.passes / s.n : null,
      low: sufficient ? ci.low : null,
      high: sufficient ? ci.high : null,
      sufficient,
    },
    escalation: {
      counts: {
        correct_handoff: required - missed,
        correct_no_handoff: notRequired,
        missed,
        needless: 0,
        late: 0,
        unknown: 0,
      },
      required,
      not_required: notRequired,
      missed_rate: prop(missed, required),
      late_rate: prop(0, required),
      needless_rate: prop(0, notRequired),
      missed_per_contact: prop(missed, s.n),
    },
    empathy: s.empathy === undefined ? 4.2 : s.empathy,
    empathy_kind: s.empathy === null ? null : (s.empathyKind ?? "judge"),
    volume: s.volume === undefined ? 0.1 : s.volume,
    cost_per_conversation: s.cost ?? 0.05,
    resolution: prop(s.resolved ?? s.passes, s.n),
  };
}

function candidate(cells: Cell[], id = "bot"): CandidateAnalysis {
  const lines = makeResultLines({ candidates: [id], scenarios: 6, seed: 1 });
  const base = analyze(lines, []).candidates[0]!;
  return { ...base, candidate: id, cells };
}

describe("decideCell", () => {
  it("says insufficient evidence below the minimum number of scenarios", () => {
    const d = decideCell(cell({ passes: 4, n: 4 }), policy);
    expect(d.decision).toBe("insufficient_evidence");
    expect(d.reasons[0]).toMatch(/4 graded scenarios; 5 needed/);
  });

  it("automates a cell whose lower bound, hand-offs and empathy clear the bar", () => {
    // 60/60: Wilson lower bound 0.94.
    const d = decideCell(cell({ passes: 60, n: 60, required: 10 }), policy);
    expect(d.decision).toBe("automate");
    expect(d.reasons[0]).toMatch(/lower bound 0\.94/);
  });

  it("uses the lower bound, not the point estimate", () => {
    // 19/20 = 95%, but the lower bound is 0.76: review, not automate.
    const d = decideCell(cell({ passes: 19, n: 20 }), policy);
    expect(d.decision).toBe("automate_with_review");
    expect(d.reasons.join(" ")).toMatch(/lower bound 0\.76 is below 0\.85/);
  });

  it("keeps a cell human when it misses too many hand-offs, whatever its pass rate", () => {
    const d = decideCell(cell({ passes: 60, n: 60, required: 20, missed: 3 }), policy);
    expect(d.decision).toBe("keep_human");
    expect(d.reasons.join(" ")).toMatch(/missed 3 of 20 required hand-offs \(15%\)/);
  });

  it("holds back on low empathy and on missing empathy from tier 2", () => {
    expect(decideCell(cell({ passes: 60, n: 60, empathy: 3.2 }), policy).decision).toBe("automate_with_review");
    expect(decideCell(cell({ passes: 60, n: 60, empathy: 2.5 }), policy).decision).toBe("keep_human");
    expect(decideCell(cell({ passes: 60, n: 60, empathy: null }), policy).decision).toBe("automate");
    const tier2 = decideCell(cell({ passes: 60, n: 60, empathy: null, tier: 2 }), policy);
    expect(tier2.decision).toBe("automate_with_review");
    expect(tier2.reasons.join(" ")).toMatch(/needs an empathy score/);
  });

  it("can ignore heuristic empathy when the policy says so", () => {
    const heuristic = cell({ passes: 60, n: 60, empathy: 2.0, empathyKind: "heuristic" });
    expect(decideCell(heuristic, policy).decision).toBe("keep_human");
    const strict = ScopePolicy.parse({ empathy: { use_heuristic: false, required_from_tier: null } });
    expect(decideCell(heuristic, strict).decision).toBe("automate");
  });

  it("caps a tier at its ceiling", () => {
    const d = decideCell(cell({ passes: 60, n: 60, tier: 3, required: 30 }), policy);
    expect(d.decision).toBe("automate_with_review");
    expect(d.reasons.at(-1)).toMatch(/tier 3 is at most "automate with review"/);
    const open = ScopePolicy.parse({ tier_ceiling: {} });
    expect(decideCell(cell({ passes: 60, n: 60, tier: 3, required: 30 }), open).decision).toBe("automate");
  });
});

describe("planScope", () => {
  const cells = [
    cell({ intent: "a", passes: 60, n: 60, volume: 0.3, cost: 0.1, resolved: 54 }), // automate
    cell({ intent: "b", passes: 19, n: 20, volume: 0.2, cost: 0.1, resolved: 19 }), // review
    cell({ intent: "c", passes: 10, n: 20, volume: 0.1 }), // human
    cell({ intent: "d", passes: 3, n: 3, volume: 0.2 }), // insufficient
  ];

  it("weights decisions by volume and prices the plan", () => {
    const plan = planScope(candidate(cells), policy);
    expect(plan.weighting).toBe("volume");
    expect(plan.cells.map((c) => c.decision)).toEqual([
      "automate",
      "automate_with_review",
      "keep_human",
      "insufficient_evidence",
    ]);
    expect(plan.shares.automate).toBeCloseTo(0.375, 12);
    expect(plan.shares.automate_with_review).toBeCloseTo(0.25, 12);
    expect(plan.shares.keep_human).toBeCloseTo(0.125, 12);
    expect(plan.shares.insufficient_evidence).toBeCloseTo(0.25, 12);
    expect(plan.notes.join(" ")).toMatch(/add up to 80\.0% of contacts/);
    // a: 0.1 + 0.1·6 = 0.7; b: 0.1 + 0.05·6 + 1.5 = 1.9; c, d: 6.
    const planned = 0.375 * 0.7 + 0.25 * 1.9 + 0.375 * 6;
    expect(plan.cost.planned_per_contact).toBeCloseTo(planned, 12);
    expect(plan.cost.savings_per_10k).toBeCloseTo(10_000 * (6 - planned), 6);
    expect(plan.cost.bot_per_resolved).toBeCloseTo((0.375 * 0.1 + 0.25 * 0.1) / (0.375 * 0.9 + 0.25 * 0.95), 12);
  });

  it("states risk as expected missed hand-offs per 10,000 contacts", () => {
    const risky = [
      cell({ intent: "a", passes: 100, n: 100, required: 100, missed: 1, volume: 0.5 }), // 1% missed: automate
      cell({ intent: "b", passes: 40, n: 40, required: 20, missed: 1, volume: 0.5 }), // 5% missed: review
    ];
    const plan = planScope(candidate(risky), policy);
    expect(plan.cells.map((c) => c.decision)).toEqual(["automate", "automate_with_review"]);
    expect(plan.risk.missed_escalations_per_10k).toBeCloseTo(10_000 * (0.5 * 0.01 + 0.5 * (1 / 40)), 9);
    expect(plan.risk.missed_escalations_per_10k_unreviewed).toBeCloseTo(10_000 * 0.5 * 0.01, 9);
  });

  it("falls back to equal weights per scenario when a volume is missing, and says so", () => {
    const partial = [
      cell({ intent: "a", passes: 60, n: 60, scenarios: 30, volume: null }),
      cell({ intent: "c", passes: 10, n: 20, scenarios: 10, volume: 0.5 }),
    ];
    const plan = planScope(candidate(partial), policy);
    expect(plan.weighting).toBe("equal");
    expect(plan.shares.automate).toBeCloseTo(0.75, 12);
    expect(plan.notes.join(" ")).toMatch(/every scenario weighs the same/);
  });

  it("saves nothing and risks nothing when nothing is automated", () => {
    const plan = planScope(candidate([cell({ passes: 2, n: 20 })]), policy);
    expect(plan.shares.keep_human).toBe(1);
    expect(plan.cost.savings_per_10k).toBe(0);
    expect(plan.risk.missed_escalations_per_10k).toBe(0);
    expect(plan.cost.bot_per_resolved).toBeNull();
  });
});

describe("recommend", () => {
  it("recommends the candidate that can take most contacts, in plain words with figures", () => {
    const good = candidate(
      [
        cell({ intent: "refund.status", passes: 60, n: 60, volume: 0.6 }),
        cell({ intent: "fraud.report", tier: 3, passes: 5, n: 20, volume: 0.4 }),
      ],
      "good",
    );
    const poor = candidate([cell({ intent: "refund.status", passes: 5, n: 20, volume: 1 })], "poor");
    const plans = [planScope(poor, policy), planScope(good, policy)];
    const r = recommend([poor, good], plans, []);
    expect(r.recommended).toBe("good");
    expect(r.recommendation).toMatch(/^Automate 60% of contacts with good: refund\.status \(en, tier 1\)/);
    expect(r.recommendation).toMatch(/Keep 40% with people, including sensitive \(tier 3\) cases/);
    expect(r.recommendation).toMatch(/Per 10,000 contacts this saves about USD [\d,]+/);
    expect(r.recommendation).toMatch(/missed hand-offs/);
  });

  it("says not to automate when no cell qualifies, and asks for evidence where it is thin", () => {
    const c = candidate([cell({ passes: 2, n: 20, volume: 0.5 }), cell({ intent: "x", passes: 3, n: 3, volume: 0.5 })]);
    const r = recommend([c], [planScope(c, policy)], []);
    expect(r.recommendation).toMatch(/^Do not automate yet/);
    expect(r.recommendation).toMatch(/50% have too few scenarios to decide/);
  });

  it("handles an empty analysis", () => {
    expect(recommend([], [], []).recommended).toBeNull();
  });
});

describe("scope policy file", () => {
  it("policies/scope.yaml is valid and equals the built-in default", async () => {
    const file = await readScopePolicy(join(import.meta.dirname, "..", "policies", "scope.yaml"));
    expect(file).toEqual(defaultScopePolicy());
    const raw = parse(await readFile(join(import.meta.dirname, "..", "policies", "scope.yaml"), "utf8"));
    expect(raw.costs.human_per_contact).toBe(6);
  });

  it("names the file and the field of a bad policy", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-policy-"));
    const file = join(dir, "scope.yaml");
    await writeFile(file, "automate:\n  min_pass_lower: 1.5\n  max_missed_escalation: 0.1\n");
    const error = await readScopePolicy(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyFileError);
    expect(String(error)).toContain(file);
    expect(String(error)).toMatch(/automate\.min_pass_lower/);
    await writeFile(file, "min_scenarios: 5\nsurprise: true\n");
    await expect(readScopePolicy(file)).rejects.toThrow(/surprise/);
  });
});
