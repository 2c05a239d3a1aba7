import type {
  Analysis,
  CandidateAnalysis,
  Decision,
  PairedComparison,
  PassRate,
  ScopeCell,
  ScopePlan,
  ScopePool,
} from "../analysis/schema.js";

/** summary.md: the Analysis as GitHub-flavoured Markdown, for PR comments and GITHUB_STEP_SUMMARY. */

export interface MarkdownOptions {
  title?: string;
  /** Failing criteria listed per candidate. */
  maxFailures?: number;
}

const DECISION_LABEL: Record<Decision, string> = {
  automate: "automate",
  automate_with_review: "with review",
  keep_human: "keep human",
  insufficient_evidence: "too little evidence",
};

const DECISION_MARK: Record<Decision, string> = {
  automate: "🟢 auto",
  automate_with_review: "🟡 review",
  keep_human: "🔴 human",
  insufficient_evidence: "⚪ ?",
};

/** Text from runs (bot output, reasons, names) made inert: no HTML, no table breaks, one line. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/([\\`*_[\]])/g, "\\$1")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|");
}

/** A name as inline code: backslash escapes do not work inside code spans, so only table breaks are guarded. */
export function mdCode(text: string): string {
  return `\`${text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/`/g, "'")
    .replace(/\|/g, "\\|")}\``;
}

function pct(x: number | null, digits = 1): string {
  return x === null ? "–" : `${(x * 100).toFixed(digits)}%`;
}

/** An interval, outward: the lower bound rounded down and the upper bound up ("99%–100%" for 0.9973–1). */
function rangeCell(low: number | null, high: number | null): string {
  if (low === null || high === null) return "–";
  return `${Math.max(0, Math.floor(low * 100 + 1e-9))}%–${Math.min(100, Math.ceil(high * 100 - 1e-9))}%`;
}

function rateCell(p: PassRate): string {
  if (!p.sufficient) return `${p.passes}/${p.n} (too few scenarios)`;
  return `**${pct(p.rate)}** (${rangeCell(p.low, p.high)})`;
}

/** The confidence level of the intervals: 0.95 → "95%", 0.8 → "80%". */
function level(confidence: number): string {
  return `${Number((confidence * 100).toFixed(1))}%`;
}

function money(x: number | null, digits = 4): string {
  return x === null ? "–" : `$${x.toFixed(digits)}`;
}

function ms(x: number | null): string {
  if (x === null) return "–";
  return x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`;
}

function table(header: string[], rows: string[][]): string {
  const head = `| ${header.join(" | ")} |`;
  const rule = `|${header.map(() => "---").join("|")}|`;
  return [head, rule, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function empathyCell(c: CandidateAnalysis): string {
  const judge = c.scores.find((s) => s.criterion === "empathy" && s.kind === "judge");
  const heuristic = c.scores.find((s) => s.criterion === "empathy" && s.kind === "heuristic");
  const d = judge ?? heuristic;
  if (!d || d.mean === null) return "–";
  return `${d.mean.toFixed(2)}/${d.scale[1]}${d.kind === "heuristic" ? " (heuristic)" : ""}`;
}

function candidateTable(a: Analysis): string {
  const rows = a.candidates.map((c) => {
    const last = c.pass_k.at(-1);
    const passK = last && last.k > 1 && last.value !== null ? `${pct(last.value)} (k=${last.k})` : "–";
    const missed = c.escalation.missed_rate;
    return [
      mdCode(c.candidate),
      rateCell(c.pass),
      String(c.scenarios),
      passK,
      missed.n > 0 ? `${missed.count}/${missed.n} (${pct(missed.rate, 0)})` : "–",
      empathyCell(c),
      money(c.cost.per_resolved),
      `${ms(c.latency.conversation_ms.p50)} / ${ms(c.latency.conversation_ms.p95)}`,
      c.errors.total > 0 ? `${c.errors.total} (${pct(c.errors.rate, 0)})` : "0",
    ];
  });
  return table(
    [
      "Candidate",
      `Pass rate (${level(a.settings.confidence)} CI)`,
      "Scenarios",
      "pass^k",
      "Missed hand-offs",
      "Empathy",
      "Cost / resolved (all trials)",
      "Latency p50 / p95",
      "Errors",
    ],
    rows,
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What the judge cost per run, from run.json: one line per run that records it. */
function judgeCostLines(a: Analysis): string | null {
  const lines = a.runs.flatMap((r) => {
    const u = r.judge_usage;
    if (!u) return [];
    const perTrial =
      u.judged_trials > 0
        ? ` for ${u.judged_trials} judged trials (${money(u.cost_per_trial)} and ${Math.round(u.tokens_per_trial ?? 0).toLocaleString("en-US")} tokens per judged trial)`
        : " (no judged trial)";
    return [
      `- ${mdText(r.run)}${r.judge ? ` (${mdCode(r.judge)})` : ""}: ${money(u.cost_usd)}${perTrial}; ${plural(u.calls, "call")}, ${plural(u.repairs, "repair")}, ${plural(u.failures, "failure")}${u.cached_calls ? `, ${u.cached_calls} from the cache (paid earlier)` : ""}; ${u.input_tokens.toLocaleString("en-US")} tokens in, ${u.output_tokens.toLocaleString("en-US")} out`,
    ];
  });
  return lines.length > 0 ? `**Judge cost.**\n\n${lines.join("\n")}` : null;
}

/** Judged expectations recorded without a judge: counted, never scored. */
function notJudgedLines(a: Analysis): string | null {
  const lines = a.candidates
    .filter((c) => c.not_judged.length > 0)
    .map(
      (c) =>
        `- ${mdCode(c.candidate)}: ${c.not_judged.map((x) => `${mdCode(x.criterion)} ${x.grades} in ${x.trials} trials`).join(", ")}`,
    );
  return lines.length > 0
    ? `Not judged (no \`--judge\`): judged expectations recorded without a judge, neither passed nor failed.\n\n${lines.join("\n")}`
    : null;
}

function comparisonVerdict(c: PairedComparison): string {
  if (!c.sufficient) return "too few shared scenarios";
  if (!c.significant) return "no significant difference";
  return `**${mdText(c.better ?? "")}** better`;
}

function comparisonTable(list: readonly PairedComparison[], labels: [string, string], confidence: number): string {
  const rows = list.map((c) => [
    mdCode(c.a),
    mdCode(c.b),
    String(c.shared_scenarios),
    c.diff === null ? "–" : `${c.diff >= 0 ? "+" : ""}${(c.diff * 100).toFixed(1)} pts`,
    c.bootstrap.low === null || c.bootstrap.high === null
      ? "–"
      : `${(c.bootstrap.low * 100).toFixed(1)} to ${(c.bootstrap.high * 100).toFixed(1)}`,
    c.mcnemar_mid_p === null ? "–" : c.mcnemar_mid_p < 0.001 ? "< 0.001" : c.mcnemar_mid_p.toFixed(3),
    comparisonVerdict(c),
  ]);
  return table(
    [
      labels[0],
      labels[1],
      "Shared scenarios",
      "Δ pass rate (B − A)",
      `${level(confidence)} CI (pts)`,
      "McNemar mid-p",
      "Verdict",
    ],
    rows,
  );
}

const GRID_MAX_LANGUAGES = 12;

/** "18/18 passed, ≥ 82%" from the pools one side of a group's cells was decided with. */
function poolEvidence(cells: readonly ScopeCell[], side: "intent" | "language"): string {
  const seen = new Map<string, ScopePool>();
  for (const c of cells) {
    for (const p of c.pools) {
      if (p.level.startsWith(side) && !seen.has(p.label)) seen.set(p.label, p);
    }
  }
  const own = cells.filter((c) => c.basis === "cell").length;
  const parts = [...seen.values()].map(
    (p) =>
      `${seen.size > 1 ? `${mdText(p.label)}: ` : ""}${p.passes}/${p.n} passed${p.decision === "insufficient_evidence" ? " (too few to decide)" : p.pass_low === null ? "" : `, ≥ ${Math.floor(p.pass_low * 100 + 1e-9)}%`}`,
  );
  if (own > 0) parts.push(`${own} on their own scenarios`);
  return parts.length > 0 ? parts.join("; ") : "–";
}

function groupTable(plan: ScopePlan, dimension: "intent" | "language"): string {
  const groups = dimension === "intent" ? plan.by_intent : plan.by_language;
  const rows = groups.map((g) => {
    const members = plan.cells.filter((c) =>
      dimension === "intent" ? c.intent === g.key && c.tier === g.tier : c.language === g.key,
    );
    const others = members.filter((c) => c.decision !== g.decision);
    const named = others
      .slice(0, 6)
      .map((c) => `${mdText(dimension === "intent" ? c.language : c.intent)}: ${DECISION_LABEL[c.decision]}`)
      .join(", ");
    const otherwise =
      others.length === 0
        ? `all ${members.length}`
        : `${members.length - others.length} of ${members.length}; ${named}${others.length > 6 ? ` and ${others.length - 6} more` : ""}`;
    return [
      dimension === "intent" ? `${mdCode(g.key)} (tier ${g.tier})` : mdCode(g.key),
      `${DECISION_MARK[g.decision]}`,
      pct(g.weight, 1),
      otherwise,
      poolEvidence(members, dimension),
    ];
  });
  const other = dimension === "intent" ? "Languages (others named)" : "Intents (others named)";
  const evidence = dimension === "intent" ? "Evidence across languages" : "Evidence across intents";
  return table([dimension === "intent" ? "Intent" : "Language", "Decision", "Share", other, evidence], rows);
}

function scopeSection(plan: ScopePlan): string {
  const s = plan.shares;
  const unit = plan.weighting === "volume" ? "contacts" : "scenarios";
  const out: string[] = [];
  out.push(
    table(
      ["Decision", `Share of ${unit}`, "Cells", "Of which pooled"],
      (["automate", "automate_with_review", "keep_human", "insufficient_evidence"] as const).map((d) => {
        const cells = plan.cells.filter((c) => c.decision === d);
        return [
          DECISION_LABEL[d],
          pct(s[d], 0),
          String(cells.length),
          String(cells.filter((c) => c.basis === "pooled").length),
        ];
      }),
    ),
  );
  out.push(`### By intent\n\n${groupTable(plan, "intent")}`);
  out.push(`### By language\n\n${groupTable(plan, "language")}`);
  const languages = [...new Set(plan.cells.map((c) => c.language))].sort();
  const rowsKeys = [...new Set(plan.cells.map((c) => `${c.intent}\u0000${c.tier}`))].sort();
  if (languages.length > 0 && languages.length <= GRID_MAX_LANGUAGES) {
    const rows = rowsKeys.map((key) => {
      const [intent, tier] = key.split("\u0000") as [string, string];
      return [
        `${mdText(intent)} (tier ${tier})`,
        ...languages.map((lang) => {
          const cell = plan.cells.find((c) => c.intent === intent && String(c.tier) === tier && c.language === lang);
          return cell ? `${DECISION_MARK[cell.decision]}${cell.basis === "pooled" ? "\\*" : ""}` : "";
        }),
      ];
    });
    out.push(table(["Intent", ...languages.map(mdText)], rows));
    if (plan.cells.some((c) => c.basis === "pooled")) {
      out.push(
        "\\* decided from pooled evidence: the intent across languages and the language across intents, the more cautious of the two.",
      );
    }
  } else if (languages.length > GRID_MAX_LANGUAGES) {
    out.push(`The intent × language grid (${languages.length} languages) is in index.html.`);
  }
  const c = plan.cost;
  const risk = plan.risk.missed_escalations_per_10k;
  out.push(
    [
      `- Plan cost per resolved contact, automated cells only: bot ${c.bot_per_resolved === null ? "–" : `${c.currency} ${c.bot_per_resolved.toFixed(3)}`}, person ${c.currency} ${c.human_per_contact.toFixed(2)} per contact`,
      `- Resolved by the bot: ${pct(plan.resolved, 0)} of ${unit}; handed on to a person after the bot: ${pct(Math.max(0, s.automate + s.automate_with_review - plan.resolved), 0)} (hand-offs, and conversations it does not resolve)`,
      `- Savings per 10,000 contacts: ${c.savings_per_10k === null ? "–" : `${c.currency} ${(Math.round(c.savings_per_10k) || 0).toLocaleString("en-US")}`}`,
      `- Risk: ${risk === null ? "–" : risk.toFixed(1)} expected missed hand-offs per 10,000 contacts`,
      ...plan.notes.map((n) => `- ${mdText(n)}`),
    ].join("\n"),
  );
  return out.join("\n\n");
}

function failuresSection(a: Analysis, max: number): string {
  const parts: string[] = [];
  for (const c of a.candidates) {
    if (c.top_failures.length === 0) continue;
    const rows = c.top_failures.slice(0, max).map((f) => {
      const ex = f.examples[0];
      const hard = c.criteria.some((x) => x.criterion === f.criterion && x.hard);
      return [
        `${mdCode(f.criterion)}${hard ? "" : " (soft)"}`,
        String(f.count),
        String(f.grades),
        String(f.scenarios),
        ex ? `${mdCode(ex.scenario)} #${ex.trial}: ${mdText(ex.reason)}` : "",
      ];
    });
    parts.push(
      `**${mdCode(c.candidate)}**\n\n${table(["Criterion", "Failed trials", "Failed checks", "Scenarios", "Example"], rows)}`,
    );
  }
  return parts.length > 0 ? parts.join("\n\n") : "No failed criteria.";
}

function tierTable(a: Analysis): string {
  const tiers = [...new Set(a.candidates.flatMap((c) => c.by_tier.map((g) => g.key)))].sort();
  const rows = tiers.map((t) => [
    `Tier ${t}`,
    ...a.candidates.map((c) => {
      const g = c.by_tier.find((x) => x.key === t);
      return g ? rateCell(g.pass) : "–";
    }),
  ]);
  return table(["Tier", ...a.candidates.map((c) => mdCode(c.candidate))], rows);
}

/** Render summary.md from an Analysis. */
export function renderMarkdown(a: Analysis, options: MarkdownOptions = {}): string {
  const runs = a.runs.map((r) => r.run);
  const title = options.title ?? `supportbench: ${runs.length > 0 ? runs.map(mdText).join(", ") : "results"}`;
  const out: string[] = [`# ${title}`];
  out.push(`**Recommendation.** ${mdText(a.recommendation)}`);
  out.push(
    `${a.totals.lines} trials · ${a.totals.candidates} candidate(s) · ${a.totals.scenarios} scenarios · ${a.totals.intents} intents · ${a.totals.languages} languages. Error verdicts are left out of pass rates; a figure over fewer than ${a.settings.min_scenarios} scenarios is not stated.`,
  );
  if (a.warnings.length > 0) out.push(a.warnings.map((w) => `> ⚠️ ${mdText(w)}`).join("\n>\n"));
  out.push(`## Candidates\n\n${candidateTable(a)}`);
  const unjudged = notJudgedLines(a);
  if (unjudged) out.push(unjudged);
  const judgeCost = judgeCostLines(a);
  if (judgeCost) out.push(judgeCost);
  if (a.candidates.length > 0) out.push(`### By tier\n\n${tierTable(a)}`);
  if (a.comparisons.length > 0) {
    out.push(`## Paired comparison\n\n${comparisonTable(a.comparisons, ["A", "B"], a.settings.confidence)}`);
  }
  if (a.baseline.length > 0) {
    out.push(
      `## Against the baseline\n\n${comparisonTable(a.baseline, ["Baseline", "Candidate"], a.settings.confidence)}`,
    );
  }
  const plan = a.scope.find((p) => p.candidate === a.recommended) ?? a.scope[0];
  if (plan) out.push(`## Automation scope: ${mdCode(plan.candidate)}\n\n${scopeSection(plan)}`);
  out.push(`## Top failures\n\n${failuresSection(a, options.maxFailures ?? 5)}`);
  return `${out.join("\n\n")}\n`;
}
