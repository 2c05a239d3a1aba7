import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { analyze } from "../src/analysis/analyze.js";
import { decideCell, planScope, poolLabel, recommend } from "../src/analysis/planner.js";
import { PolicyFileError, readScopePolicy } from "../src/analysis/read-policy.js";
import type { CandidateAnalysis, Cell, Decision, ScopeCell } from "../src/analysis/schema.js";
import { defaultScopePolicy, ScopePolicy } from "../src/analysis/scope-policy.js";
import { wilson } from "../src/analysis/stats.js";
import { type ResultLine, trialKey } from "../src/run/schema.js";
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
  // No pools: these tests are about cells that decide alone, or that stay undecided.
  return { ...base, candidate: id, cells, pools: [] };
}

describe("decideCell", () => {
  it("says insufficient evidence below the minimum number of scenarios", () => {
    const d = decideCell(cell({ passes: 4, n: 4 }), policy);
    expect(d.decision).toBe("insufficient_evidence");
    expect(d.basis).toBeNull();
    expect(d.limits).toEqual(["evidence"]);
    expect(d.pass_low).toBeNull();
    expect(d.reasons[0]).toMatch(/4 scenarios in this cell, all 4 conversations passed; 5 needed to decide it alone/);
  });

  it("automates a cell whose lower bound, hand-offs and empathy clear the bar", () => {
    // 60/60: Wilson lower bound 0.94.
    const d = decideCell(cell({ passes: 60, n: 60, required: 10 }), policy);
    expect(d.decision).toBe("automate");
    expect(d.basis).toBe("cell");
    expect(d.limits).toEqual([]);
    expect(d.reasons[0]).toMatch(/60 of 60 scenarios passed \(100%\); with 95% confidence at least 93% pass/);
  });

  it("uses the lower bound, not the point estimate", () => {
    // 19/20 = 95%, but the lower bound is 0.76: review, not automate.
    const d = decideCell(cell({ passes: 19, n: 20 }), policy);
    expect(d.decision).toBe("automate_with_review");
    expect(d.limits).toEqual(["pass_rate"]);
    expect(d.reasons.join(" ")).toMatch(/at least 76% pass with 95% confidence, below the 85% needed to automate/);
    expect(d.reasons.join(" ")).not.toMatch(/0\.\d\d/);
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

  it("lets heuristic empathy withhold only unreviewed automation, or ignores it when the policy says so", () => {
    const heuristic = cell({ passes: 60, n: 60, empathy: 2.0, empathyKind: "heuristic" });
    const d = decideCell(heuristic, policy);
    expect(d.decision).toBe("automate_with_review");
    expect(d.reasons.join(" ")).toMatch(/empathy 2\.0 \(heuristic\) is below the 3\.5 needed to automate/);
    const harsh = ScopePolicy.parse({ empathy: { heuristic_can_keep_human: true } });
    expect(decideCell(heuristic, harsh).decision).toBe("keep_human");
    const strict = ScopePolicy.parse({ empathy: { use_heuristic: false, required_from_tier: null } });
    expect(decideCell(heuristic, strict).decision).toBe("automate");
  });

  it("rounds lower bounds down and never prints one like the bar it misses", () => {
    // 0.8497 would round to 85%, the bar itself; a lower bound is rounded down instead.
    const c = cell({ passes: 60, n: 60 });
    const near = { ...c, pass: { ...c.pass, low: 0.8497 } };
    const text = decideCell(near, policy).reasons.join(" ");
    expect(text).toMatch(/with 95% confidence at least 84% pass/);
    expect(text).toMatch(/at least 84% pass with 95% confidence, below the 85% needed to automate/);
    // A bar between whole percents is printed exactly, and the bound at the bar's precision.
    const halfBar = ScopePolicy.parse({ automate: { min_pass_lower: 0.855, max_missed_escalation: 0.02 } });
    const close = { ...c, pass: { ...c.pass, low: 0.8521 } };
    expect(decideCell(close, halfBar).reasons.join(" ")).toMatch(/at least 85\.2% pass .* below the 85\.5% needed/);
  });

  it("caps a tier at its ceiling", () => {
    const d = decideCell(cell({ passes: 60, n: 60, tier: 3, required: 30 }), policy);
    expect(d.decision).toBe("automate_with_review");
    expect(d.reasons.at(-1)).toMatch(/tier 3 is at most "automate with review"/);
    expect(d.limits).toEqual(["tier_ceiling"]);
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
    expect(r.sentences.join(" ")).toBe(r.recommendation);
    expect(r.sentences[0]).toBe("good can take 60% of contacts on its own and resolve them itself.");
    expect(r.recommendation).toMatch(
      /^good can take 60% of contacts on its own and resolve them itself\. Automate now \(60% of contacts\): refund\.status\./,
    );
    expect(r.recommendation).toMatch(/Keep with people \(40% of contacts\): fraud\.report\./);
    expect(r.recommendation).toMatch(
      /Per 10,000 contacts this saves about \$[\d,]+ \(a person costs \$6\.00 per contact/,
    );
    expect(r.recommendation).toMatch(/no missed hand-off to a person observed/);
    expect(r.recommendation).not.toMatch(/0\.\d\d(?!\d* per)/);
  });

  it("says not to automate when no cell qualifies, and asks for evidence where it is thin", () => {
    const c = candidate([cell({ passes: 2, n: 20, volume: 0.5 }), cell({ intent: "x", passes: 3, n: 3, volume: 0.5 })]);
    const r = recommend([c], [planScope(c, policy)], []);
    expect(r.recommendation).toMatch(/^Do not automate yet/);
    expect(r.recommendation).toMatch(/Too little evidence to decide 50% of contacts, e\.g\. x in English \(tier 1\)/);
  });

  it("separates the contacts the bot resolves from those it hands on to a person", () => {
    // Every conversation passes, but a quarter of them pass by handing the customer to a person.
    const c = candidate([cell({ passes: 60, n: 60, resolved: 45, volume: 1 })]);
    const plan = planScope(c, policy);
    expect(plan.shares.automate).toBe(1);
    expect(plan.resolved).toBeCloseTo(0.75, 12);
    const r = recommend([c], [plan], []);
    expect(r.sentences[0]).toBe(
      "bot can take the first conversation of 100% of contacts on its own: it resolves about 75% of contacts itself and hands 25% on to a person (hand-offs, and conversations it does not resolve).",
    );
    expect(r.recommendation).not.toMatch(/can take 100% of contacts/);
    // With review: both parts are named, and the shares add up.
    const mixed = candidate([
      cell({ intent: "a", passes: 60, n: 60, resolved: 30, volume: 0.5 }),
      cell({ intent: "b", passes: 19, n: 20, resolved: 19, volume: 0.5 }),
    ]);
    const m = recommend([mixed], [planScope(mixed, policy)], []);
    expect(m.sentences[0]).toBe(
      "bot can take the first conversation of 100% of contacts (50% on its own, 50% with a person reviewing its answers): it resolves about 73% of contacts itself and hands 27% on to a person (hand-offs, and conversations it does not resolve).",
    );
  });

  it("says that evidence, not the bot, is missing when no cell could be decided, and how much it takes", () => {
    // A bot that passes everything, but one scenario per intent in one language: nothing can be decided.
    const lines: ResultLine[] = makeResultLines({ candidates: ["ref"], scenarios: 9, seed: 4, languages: ["en"] }).map(
      (l) => ({ ...l, verdict: "pass" as const }),
    );
    const a = analyze(lines, []);
    const plan = a.scope[0]!;
    expect(plan.shares.insufficient_evidence).toBeCloseTo(1, 12);
    expect(a.recommendation).not.toMatch(/Do not automate yet|meets the policy's thresholds/);
    expect(a.recommendation_sentences[0]).toMatch(
      /^Too little evidence to decide anything for ref yet: 100% of (contacts|scenarios) fall in 9 cells of at most 1 scenario, and a cell decides alone from 5 scenarios; /,
    );
    expect(a.recommendation_sentences[0]).toMatch(
      /intent pool too small to decide \(.+\) holds 1 scenario from 1 language/,
    );
    expect(a.recommendation_sentences[0]).toMatch(/where pooling needs 10 scenarios from 3 cells/);
    expect(a.recommendation_sentences[0]).toMatch(
      /needs about 22 scenarios all passing per cell or pool \(at least 85% with 95% confidence\)/,
    );
    // Some cells decided human and the rest too thin: still "do not automate yet".
    const c = candidate([cell({ passes: 2, n: 20, volume: 0.5 }), cell({ intent: "x", passes: 3, n: 3, volume: 0.5 })]);
    expect(recommend([c], [planScope(c, policy)], []).sentences[0]).toBe(
      "Do not automate yet: no intent × language × tier cell with enough evidence meets the policy's thresholds for bot.",
    );
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

/** One graded trial of one scenario: the evidence unit the pools are built from. */
const template = makeResultLines({ candidates: ["bot"], scenarios: 1, trials: 1, seed: 1, errorRate: 0 })[0]!;

function trial(intent: string, language: string, tier: 1 | 2 | 3, pass: boolean, n = 0): ResultLine {
  const scenario = `${intent}-${language}-${tier}-${n}`;
  return {
    ...structuredClone(template),
    key: trialKey("s", scenario, "bot", 0),
    suite: "s",
    scenario,
    candidate: "bot",
    trial: 0,
    intent,
    language,
    tier,
    volume: 0.001,
    verdict: pass ? "pass" : "fail",
    escalation: "correct_no_handoff",
    grades: [],
  };
}

/** `count` scenarios of one intent, one per language, the first `passes` of them passing. */
function acrossLanguages(intent: string, tier: 1 | 2 | 3, count: number, passes = count): ResultLine[] {
  return Array.from({ length: count }, (_, i) => trial(intent, `x${i}`, tier, i < passes));
}

/** `count` scenarios in one language, one per intent, the first `passes` of them passing. */
function acrossIntents(language: string, tier: 1 | 2 | 3, count: number, passes = count): ResultLine[] {
  return Array.from({ length: count }, (_, i) => trial(`other.${i}`, language, tier, i < passes));
}

function planOf(lines: ResultLine[], p = policy) {
  const analysis = analyze(lines, [], { policy: p });
  const cells = analysis.scope[0]!.cells;
  const find = (intent: string, language: string, tier = 1): ScopeCell => {
    const c = cells.find((x) => x.intent === intent && x.language === language && x.tier === tier);
    if (!c) throw new Error(`no cell ${intent} ${language} ${tier}`);
    return c;
  };
  return { analysis, plan: analysis.scope[0]!, find };
}

const RANK: Record<Decision, number> = {
  automate: 0,
  automate_with_review: 1,
  keep_human: 2,
  insufficient_evidence: 3,
};

describe("hierarchical pooling", () => {
  // 41 scenarios all passing give a 95% lower bound of 91%, above the 85% bar to automate; 40 of 41, 87%.
  const strongIntent = acrossLanguages("refund.status", 1, 40);
  const strongGerman = acrossIntents("de", 1, 40);

  it("decides a one-scenario cell of a strong intent in a strong language from the pools, and marks it pooled", () => {
    const { find, plan, analysis } = planOf([...strongIntent, ...strongGerman, trial("refund.status", "de", 1, true)]);
    const c = find("refund.status", "de");
    expect(c.scenarios).toBe(1);
    expect(c.decision).toBe("automate");
    expect(c.basis).toBe("pooled");
    expect(c.own).toEqual({ passes: 1, n: 1 });
    expect(c.pools.map((p) => [p.label, p.scenarios, p.decision])).toEqual([
      ["refund.status, tier 1, all languages", 41, "automate"],
      ["de, all intents and tiers", 41, "automate"],
    ]);
    // The figures shown are the pools', never 100% from one scenario.
    expect(c.pass_low).toBeCloseTo(wilson(41, 41)!.low, 12);
    expect(c.reasons[0]).toMatch(
      /^1 scenario in this cell, it passed; 5 needed to decide it alone: decided from pooled evidence/,
    );
    expect(c.reasons.join(" ")).toMatch(
      /de, all intents and tiers: 41 of 41 scenarios passed \(100%\); with 95% confidence at least 91% pass/,
    );
    expect(plan.pooled).toBeGreaterThan(0);
    expect(plan.notes.join(" ")).toMatch(/decided from pooled evidence/);
    // The analysis holds the pools the planner read.
    const pool = analysis.candidates[0]!.pools.find((p) => p.level === "language" && p.language === "de")!;
    expect(pool).toMatchObject({ tier: null, intent: null, scenarios: 41, cells: 41 });
    expect(pool.pass).toMatchObject({ passes: 41, n: 41, sufficient: true });
  });

  it("lets a weak language pull the decision down, whatever the cell's own scenario did", () => {
    // Hindi: 13 of 26 scenarios pass across intents. The Hindi refund scenario itself passed.
    const weakHindi = acrossIntents("hi", 1, 25, 12);
    const { find } = planOf([...strongIntent, ...strongGerman, ...weakHindi, trial("refund.status", "hi", 1, true)]);
    const hi = find("refund.status", "hi");
    expect(hi.basis).toBe("pooled");
    expect(hi.decision).toBe("keep_human");
    expect(hi.pools.map((p) => p.decision)).toEqual(["automate", "keep_human"]);
    expect(hi.pass_rate).toBeCloseTo(13 / 26, 12);
    // Only the language's shortfall holds it back: the intent alone would automate.
    expect(hi.limits).toEqual(["pass_rate"]);
    expect(hi.reasons.join(" ")).toMatch(
      /hi, all intents and tiers: 13 of 26 scenarios passed \(50%\).*→ keep human: at least \d+% pass with 95% confidence, below the 65% needed for review/,
    );
  });

  it("never decides a pooled cell better than either of its pools", () => {
    const lines = makeResultLines({
      candidates: [{ id: "bot", skill: 0.93 }],
      scenarios: 150,
      seed: 21,
      languages: ["en", "de", "fr", "sv", "fi", "pl", "cs", "hu"],
    });
    const { plan } = planOf(lines);
    const pooled = plan.cells.filter((c) => c.basis === "pooled");
    expect(pooled.length).toBeGreaterThan(10);
    for (const c of pooled) {
      expect(c.pools).toHaveLength(2);
      for (const p of c.pools) expect(RANK[c.decision]).toBeGreaterThanOrEqual(RANK[p.decision]);
      expect(c.pass_low).toBe(Math.min(...c.pools.map((p) => p.pass_low ?? 0)));
    }
    const weight = pooled.reduce((a, c) => a + c.weight, 0);
    expect(plan.pooled).toBeCloseTo(weight, 12);
  });

  it("caps a pooled cell whose own conversation failed, and applies tier ceilings", () => {
    const { find } = planOf([...strongIntent, ...strongGerman, trial("refund.status", "de", 1, false)]);
    const failed = find("refund.status", "de");
    expect(failed.pools.map((p) => p.decision)).toEqual(["automate", "automate"]);
    expect(failed.decision).toBe("automate_with_review");
    expect(failed.reasons.at(-1)).toMatch(/1 of this cell's own 1 conversation failed: at most "automate with review"/);
    expect(failed.limits).toEqual(["own_failure"]);

    const tier3 = [...acrossLanguages("fraud.report", 3, 40), ...acrossIntents("de", 3, 40)];
    // No empathy graded here, so the policy must not ask for it: the ceiling alone holds the cell back.
    const noEmpathy = ScopePolicy.parse({ empathy: { required_from_tier: null } });
    const sensitive = planOf([...tier3, trial("fraud.report", "de", 3, true)], noEmpathy).find("fraud.report", "de", 3);
    expect(sensitive.basis).toBe("pooled");
    expect(sensitive.pools.map((p) => p.decision)).toEqual(["automate", "automate"]);
    expect(sensitive.decision).toBe("automate_with_review");
    expect(sensitive.reasons.at(-1)).toMatch(/tier 3 is at most "automate with review" by policy/);
    expect(sensitive.limits).toEqual(["tier_ceiling"]);
  });

  it("keeps a cell insufficient when its pools are below the minimums", () => {
    // card.lost: 6 scenarios in 6 languages, below the 10 a pool needs.
    const small = [
      ...acrossLanguages("card.lost", 2, 5),
      ...acrossIntents("de", 2, 25),
      trial("card.lost", "de", 2, true),
    ];
    const c = planOf(small).find("card.lost", "de", 2);
    expect(c.decision).toBe("insufficient_evidence");
    expect(c.basis).toBeNull();
    expect(c.pass_low).toBeNull();
    expect(c.reasons.join(" ")).toMatch(
      /no intent pool is large enough \(card\.lost, tier 2, all languages has 6 scenarios in 6 cells\); a pool needs 10 scenarios from 3 languages/,
    );
    expect(c.pools.find((p) => p.level === "intent_tier")?.decision).toBe("insufficient_evidence");

    // Enough scenarios, but all from two languages: not yet evidence that the intent works across languages.
    const narrow = [
      ...Array.from({ length: 4 }, (_, i) => trial("card.lost", "en", 2, true, i)),
      ...Array.from({ length: 4 }, (_, i) => trial("card.lost", "sv", 2, true, i)),
      ...acrossIntents("de", 2, 25),
      trial("card.lost", "de", 2, true),
    ];
    const few = ScopePolicy.parse({ pooling: { min_scenarios: 8 } });
    expect(planOf(narrow, few).find("card.lost", "de", 2).basis).toBe("pooled");
    const fourLanguages = ScopePolicy.parse({ pooling: { min_scenarios: 8, min_cells: 4 } });
    const n = planOf(narrow, fourLanguages).find("card.lost", "de", 2);
    expect(n.decision).toBe("insufficient_evidence");
    expect(n.reasons.join(" ")).toMatch(/has 9 scenarios in 3 cells\); a pool needs 8 scenarios from 4 languages/);

    // The language side too: Welsh has 3 scenarios in all.
    const welsh = [...strongIntent, ...acrossIntents("cy", 1, 2), trial("refund.status", "cy", 1, true)];
    const cy = planOf(welsh).find("refund.status", "cy");
    expect(cy.decision).toBe("insufficient_evidence");
    expect(cy.reasons.join(" ")).toMatch(
      /no language pool is large enough \(cy, all intents and tiers has 3 scenarios in 3 cells\); a pool needs 10 scenarios from 3 intents/,
    );
  });

  it("falls back to a wider pool in the policy's order, and can be switched off", () => {
    // German tier 1 has only 4 scenarios; German over all tiers has 29.
    const lines = [
      ...strongIntent,
      ...acrossIntents("de", 1, 3),
      ...acrossIntents("de", 2, 25),
      trial("refund.status", "de", 1, true),
    ];
    const c = planOf(lines).find("refund.status", "de");
    expect(c.basis).toBe("pooled");
    expect(c.pools.map((p) => p.label)).toEqual(["refund.status, tier 1, all languages", "de, all intents and tiers"]);
    const tierOnly = ScopePolicy.parse({ pooling: { language_levels: ["language_tier"] } });
    expect(planOf(lines, tierOnly).find("refund.status", "de").decision).toBe("insufficient_evidence");
    const off = ScopePolicy.parse({ pooling: { enabled: false } });
    const d = planOf(lines, off).find("refund.status", "de");
    expect(d.decision).toBe("insufficient_evidence");
    expect(d.pools).toEqual([]);
  });

  it("prices a pooled cell with the intent's hand-off share and the worse pool's misses", () => {
    const handoffs = acrossLanguages("card.lost", 1, 20).map((l, i) =>
      i < 10
        ? {
            ...l,
            escalation: i === 0 ? ("missed" as const) : ("correct_handoff" as const),
            verdict: i === 0 ? ("fail" as const) : ("pass" as const),
          }
        : l,
    );
    const review = ScopePolicy.parse({
      review: { min_pass_lower: 0.5, max_missed_escalation: 0.2, min_empathy: null },
    });
    const { plan, find } = planOf([...handoffs, ...strongGerman, trial("card.lost", "de", 1, true)], review);
    const c = find("card.lost", "de");
    expect(c.decision).toBe("automate_with_review");
    // card.lost: 10 of 21 need a person, 1 of 10 missed; German has no required hand-off.
    // The only automated cell: its weight × the intent's hand-off share × the worse miss rate.
    expect(plan.cells.filter((x) => x.decision !== "insufficient_evidence")).toEqual([c]);
    expect(plan.risk.missed_escalations_per_10k).toBeCloseTo(10_000 * c.weight * (10 / 21) * 0.1, 9);
  });

  it("names pools in words", () => {
    expect(poolLabel({ level: "intent", intent: "card.lost", language: null, tier: null })).toBe(
      "card.lost, all tiers and languages",
    );
    expect(poolLabel({ level: "language", intent: null, language: "sv", tier: null })).toBe(
      "sv, all intents and tiers",
    );
  });
});
