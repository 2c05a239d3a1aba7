import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import type { PairedComparison, ScopePlan } from "../src/analysis/schema.js";
import { CLIENT_SCRIPT } from "../src/report/html/client-script.js";
import { escapeHtml, jsonForScript } from "../src/report/html/escape.js";
import { html, SafeHtml } from "../src/report/html/html.js";
import { comparisonSentence, heatmap, renderHtmlReport } from "../src/report/html/index.js";
import { STYLES } from "../src/report/html/styles.js";
import { trialDetail, trialRow } from "../src/report/html/trial-data.js";
import type { ResultLine } from "../src/run/schema.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

const HOSTILE_SCRIPT = "<script>window.__pwned=1</script>";
const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">';
const HOSTILE_LINK = '<a href="javascript:window.__pwned=1">click</a>';
const BREAKOUT = '"]}</script><script>window.__pwned=1</script><!--';

/** Lines whose every free-text field, and some names, carry markup meant to run. */
function hostileLines(): ResultLine[] {
  const lines = makeResultLines({ scenarios: 24, trials: 2, seed: 3, hostile: true });
  return lines.map((line, i) => {
    if (i % 5 !== 0) return line;
    const transcript = line.transcript.map((e) => {
      if (e.type === "bot") return { ...e, text: `${e.text} ${HOSTILE_SCRIPT} ${HOSTILE_LINK} \u2028 ${BREAKOUT}` };
      if (e.type === "customer") return { ...e, text: `${e.text} ${HOSTILE_IMG}` };
      if (e.type === "tool") return { ...e, args: { note: BREAKOUT }, result: { html: HOSTILE_IMG } };
      return e;
    });
    const grades = line.grades.map((g) => ({
      ...g,
      reason: `${g.reason} ${HOSTILE_IMG}`,
      evidence: g.evidence.map((ev) => ({ ...ev, quote: `${ev.quote}${BREAKOUT}` })),
    }));
    return { ...line, transcript, grades, intent: i % 10 === 0 ? `refund.<img src=x onerror=alert(1)>` : line.intent };
  });
}

function inlineBlocks(page: string, tag: "script" | "style"): { attrs: string; body: string }[] {
  const re = new RegExp(`<${tag}([^>]*)>([\\s\\S]*?)</${tag}>`, "g");
  return [...page.matchAll(re)].map((m) => ({ attrs: m[1] ?? "", body: m[2] ?? "" }));
}

function cspOf(page: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
  if (!m?.[1]) throw new Error("no CSP meta tag");
  return m[1];
}

const sha = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

function render(lines: ResultLine[]): string {
  const meta = makeRunMeta(lines);
  return renderHtmlReport(analyze(lines, [meta], { generatedAt: "2026-01-16T10:00:00Z" }), lines, [meta]);
}

describe("escaping", () => {
  it("escapes the five HTML metacharacters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("escapes interpolations in html`` but keeps SafeHtml and flattens arrays", () => {
    const inner = html`<b>${"<i>"}</b>`;
    const out = html`<p title="${'"x"'}">${inner}${["<", new SafeHtml("<br>")]}${null}${false}</p>`;
    expect(out.value).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br></p>');
  });

  it("embeds JSON that cannot close its script element and round-trips exactly", () => {
    const value = { a: BREAKOUT, b: "x\u2028y\u2029z", c: "<!-- & -->", d: [1, null, true] };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).toContain("\\u003c/script\\u003e");
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("the rendered page", () => {
  const lines = hostileLines();
  const page = render(lines);

  it("allows exactly its inline script and style blocks by hash, and nothing else", () => {
    const csp = cspOf(page);
    const scripts = inlineBlocks(page, "script").filter((b) => !b.attrs.includes("application/json"));
    const styles = inlineBlocks(page, "style");
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(scripts[0]?.body).toBe(CLIENT_SCRIPT);
    expect(styles[0]?.body).toBe(STYLES);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${sha(scripts[0]!.body)}`);
    expect(csp).toContain(`style-src ${sha(styles[0]!.body)}`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    // A tampered block would no longer match its hash.
    expect(csp).not.toContain(sha(`${scripts[0]!.body} `));
  });

  it("has no markup from the data: only its own script elements, no images, handlers or style attributes", () => {
    // The rows, the page script and one block per 100 transcripts.
    expect(page.match(/<script/gi)).toHaveLength(2 + Math.ceil(lines.length / 100));
    // The markup outside the script elements, with attribute values emptied: what is left are real tags.
    const markup = page.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "").replace(/="[^"]*"/g, '=""');
    expect(markup).not.toMatch(/<img/i);
    expect(markup).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(markup).not.toMatch(/<[a-z][^>]*\sstyle=/i);
    expect(page).not.toMatch(/<a [^>]*href="javascript:/i);
    expect(page).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
    expect(page).not.toContain("\u2028");
    expect(page).toContain("refund.&lt;img src=x onerror=alert(1)&gt;");
  });

  it("embeds every trial row and detail as JSON that parses back to the lines", () => {
    const block = (id: string): unknown => {
      const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(page);
      if (!m?.[1]) throw new Error(`no ${id} block`);
      return JSON.parse(m[1]);
    };
    const trials = block("sb-trials") as { rows: unknown[]; pageSize: number };
    const details = Array.from(
      { length: Math.ceil(lines.length / 100) },
      (_, n) => block(`sb-details-${n}`) as unknown[],
    ).flat();
    expect(trials.pageSize).toBe(100);
    expect(trials.rows).toEqual(JSON.parse(JSON.stringify(lines.map(trialRow))));
    expect(details).toEqual(JSON.parse(JSON.stringify(lines.map(trialDetail))));
  });

  it("keeps the page script free of template syntax and element terminators, and valid JavaScript", () => {
    expect(CLIENT_SCRIPT).not.toMatch(/<\/script|<!--|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/i);
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
  });

  it("labels heuristic scores as heuristic", () => {
    const heuristic = makeResultLines({ scenarios: 18, seed: 5, judged: false });
    const out = render(heuristic);
    expect(out).toMatch(/data-criterion="empathy" data-kind="heuristic"[\s\S]*?>heuristic</);
    expect(out).not.toContain("LLM judge</span>");
  });
});

describe("comparison sentences", () => {
  const base: PairedComparison = {
    a: "A",
    b: "B",
    source: "candidates",
    shared_scenarios: 80,
    pairs: 160,
    a_rate: 0.7,
    b_rate: 0.77,
    diff: 0.07,
    both_pass: 100,
    a_only: 6,
    b_only: 17,
    neither: 37,
    mcnemar_p: 0.003,
    mcnemar_mid_p: 0.002,
    bootstrap: { low: 0.03, high: 0.11, level: 0.95, resamples: 2000 },
    significant: true,
    better: "B",
    sufficient: true,
  };

  it("states a significant difference with its interval and p-value", () => {
    expect(comparisonSentence(base)).toBe("B is better than A by 7 points (95% CI 3–11), p=0.002.");
  });

  it("turns the interval around when the first candidate is better", () => {
    const c = { ...base, diff: -0.07, better: "A", bootstrap: { ...base.bootstrap, low: -0.11, high: -0.03 } };
    expect(comparisonSentence(c)).toBe("A is better than B by 7 points (95% CI 3–11), p=0.002.");
  });

  it("says when there is no significant difference", () => {
    const c = {
      ...base,
      diff: 0.02,
      significant: false,
      better: null,
      mcnemar_mid_p: 0.41,
      bootstrap: { ...base.bootstrap, low: -0.03, high: 0.07 },
    };
    expect(comparisonSentence(c)).toBe(
      "No significant difference between A and B (B minus A: 2 points, 95% CI −3 to 7, p=0.41).",
    );
  });

  it("names the baseline run when comparing with it", () => {
    const c = { ...base, a: "bot", b: "bot", source: "baseline" as const, better: "bot", diff: -0.07 };
    const flipped = { ...c, bootstrap: { ...base.bootstrap, low: -0.11, high: -0.03 } };
    expect(comparisonSentence(flipped)).toBe(
      "bot (baseline) is better than bot (this run) by 7 points (95% CI 3–11), p=0.002.",
    );
  });

  it("refuses to compare on too little evidence", () => {
    expect(comparisonSentence({ ...base, sufficient: false, shared_scenarios: 2, pairs: 2 })).toMatch(
      /^Too little shared evidence/,
    );
  });
});

describe("heat-map", () => {
  it("draws one cell per plan cell with its decision, and marks untested combinations", () => {
    const cell = (
      intent: string,
      language: string,
      tier: number,
      decision: ScopePlan["cells"][number]["decision"],
      basis: "cell" | "pooled" | null = "cell",
    ) => ({
      intent,
      language,
      tier,
      decision,
      basis,
      reasons: [`because <b>${intent}</b>`],
      limits: [],
      pass_rate: 0.9,
      pass_low: 0.8,
      missed_escalation_rate: 0,
      empathy: 4,
      empathy_kind: "judge" as const,
      own: { passes: 6, n: 6 },
      pools: [],
      weight: 0.25,
      scenarios: 6,
    });
    const plan: ScopePlan = {
      candidate: "bot",
      cells: [
        cell("refund.status", "en", 1, "automate"),
        cell("refund.status", "de", 1, "automate_with_review", "pooled"),
        cell("fraud.report", "en", 3, "keep_human"),
        cell("card.lost", "de", 2, "insufficient_evidence", null),
      ],
      by_intent: [],
      by_language: [],
      weighting: "equal",
      shares: { automate: 0.25, automate_with_review: 0.25, keep_human: 0.25, insufficient_evidence: 0.25 },
      pooled: 0.25,
      resolved: 0.45,
      cost: {
        currency: "USD",
        human_per_contact: 6,
        review_per_contact: 1.5,
        bot_per_resolved: 0.02,
        current_per_contact: 6,
        planned_per_contact: 4,
        savings_per_10k: 20000,
      },
      risk: { missed_escalations_per_10k: 1, missed_escalations_per_10k_unreviewed: 0.5 },
      notes: [],
    };
    const out = heatmap(plan).value;
    for (const c of plan.cells) {
      expect(out).toContain(
        `data-intent="${c.intent}" data-language="${c.language}" data-tier="${c.tier}" data-decision="${c.decision}"`,
      );
    }
    expect(out.match(/data-decision="none"/g)).toHaveLength(2);
    expect(out).toContain("because &lt;b&gt;refund.status&lt;/b&gt;");
    // Exactly the pooled cell carries the pooled marker, and says so to screen readers.
    expect(out.match(/class="cell [^"]* pooled"/g)).toHaveLength(1);
    expect(out).toMatch(
      /class="cell decision-automate_with_review pooled" data-intent="refund\.status" data-language="de"[^>]*data-basis="pooled"/,
    );
    expect(out).toContain('<span class="sr"> (pooled)</span>');
    expect(out).toContain('data-basis="none"');
  });
});

describe("executive summary", () => {
  it("says what to do intent by intent, with pooled evidence shown as counts and lower bounds", () => {
    const lines = makeResultLines({
      candidates: [{ id: "bot", skill: 1.2, missRate: 0.002 }],
      scenarios: 160,
      seed: 4,
      languages: ["en", "de", "fr", "sv", "fi", "pl", "it", "nl"],
    });
    const analysis = analyze(lines, [makeRunMeta(lines)]);
    const plan = analysis.scope[0]!;
    expect(plan.pooled).toBeGreaterThan(0);
    const page = renderHtmlReport(analysis, lines, [makeRunMeta(lines)]);
    const table = /<table class="data plan-table intents"[\s\S]*?<\/table>/.exec(page)?.[0] ?? "";
    for (const g of plan.by_intent) {
      expect(table).toContain(`data-intent="${g.key}" data-tier="${g.tier}" data-decision="${g.decision}"`);
    }
    // Each intent's evidence is its pool across languages, as counts and a lower bound.
    const refund = analysis.candidates[0]!.pools.find(
      (p) => p.level === "intent_tier" && p.intent === "refund.status",
    )!;
    const row = /<tr data-intent="refund\.status"[\s\S]*?<\/tr>/.exec(table)?.[0] ?? "";
    expect(row).toContain(`${refund.pass.passes} of ${refund.pass.n}`);
    expect(row).toContain(`at least ${Math.floor((refund.pass.low ?? 0) * 100)}%`);
    // The legend explains the pooled marker; no negative zero anywhere.
    expect(page).toContain("Dashed outline: decided from pooled evidence");
    expect(page).not.toMatch(/-0%/);
    expect(page).toMatch(/from pooled evidence \(too few scenarios per cell\)/);
  });
});

describe("self-test and calibration figures", () => {
  const lines = makeResultLines({ scenarios: 12, seed: 9 });
  const renderWith = (extra: Partial<Parameters<typeof makeRunMeta>[1]>): string => {
    const meta = makeRunMeta(lines, extra);
    return renderHtmlReport(analyze(lines, [meta]), lines, [meta]);
  };
  const selftest = {
    scenarios: 12,
    gold: { total: 12, passed: 11, specificity: 11 / 12 },
    mutations: [
      { mutation: "drop_escalation", target: "escalation", applicable: 4, caught: 4, by_target: 4, sensitivity: 1 },
    ],
    graders: [{ grader: "escalation", sensitivity: 1, specificity: 0.9, mutants: 4, gold: 12 }],
    gold_failures: [{ scenario: "s-1", reasons: ["<img src=x onerror=alert(1)>"] }],
    missed_mutants: [],
    threshold: 0.95,
    ok: false,
  };

  it("shows a self-test report as tables with its verdict, escaping its texts", () => {
    const out = renderWith({ selftest });
    expect(out).toContain('id="selftest"');
    expect(out).toContain('data-grader="escalation"');
    expect(out).toContain("The graders fail their self-test (threshold 95%)");
    expect(out).toContain("11 of 12 gold answers pass (92%)");
    expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("shows calibration agreement with kappa in words", () => {
    const agreement = { n: 40, kappa: 0.71, exact: 0.7, within_one: 0.95, bias: -0.1 };
    const calibration = {
      grader: "judge:x",
      kind: "judge",
      items: 40,
      criteria: [
        { label: "empathy", criterion: "empathy", overall: agreement, by_language: { de: agreement }, missing: 0 },
      ],
      errors: [],
      pairs: [],
    };
    const out = renderWith({ calibration });
    expect(out).toMatch(
      /<th scope="row">empathy<\/th><td class="num">40<\/td><td class="num">0\.71<\/td><td>substantial<\/td>/,
    );
    expect(out).toContain("−0.10");
  });

  it("falls back to a generic view for shapes it does not know, and omits the section without figures", () => {
    const out = renderWith({ selftest: { note: "<b>custom</b>", rows: [{ a: 1, b: "x" }] } });
    expect(out).toContain("&lt;b&gt;custom&lt;/b&gt;");
    expect(out).toMatch(/<table class="data generic"><thead><tr><th scope="col">a<\/th><th scope="col">b<\/th>/);
    expect(renderWith({})).not.toContain('id="selftest"');
  });
});
