import { type Rng, seededRng } from "../../src/analysis/random.js";
import type { TranscriptEvent } from "../../src/conversation/schema.js";
import type { EscalationOutcome, Grade, Verdict } from "../../src/graders/schema.js";
import { RESULTS_VERSION, type ResultLine, type RunMeta, trialKey } from "../../src/run/schema.js";

/**
 * Synthetic results.jsonl lines for tests and benches: realistic shapes (intents, languages, tiers,
 * escalation outcomes, graded criteria with evidence, transcripts with tools and hand-offs) drawn
 * from a seeded generator, so a test can know roughly what the analysis must find.
 */

export interface SyntheticCandidate {
  id: string;
  /** Base probability that a routine (tier 1, English) trial passes; harder cells subtract from it. */
  skill: number;
  /** Probability of missing a required hand-off (before tier adjustment). Default (1 − skill) / 2. */
  missRate?: number;
  /** Cost of one conversation in USD. Default 0.002–0.02 by skill. */
  costUsd?: number;
}

export interface SyntheticOptions {
  candidates?: Array<string | SyntheticCandidate>;
  /** Number of distinct scenarios. */
  scenarios?: number;
  trials?: number;
  seed?: number;
  run?: string;
  suite?: string;
  domain?: string;
  intents?: Array<{ intent: string; tier: 1 | 2 | 3 }>;
  languages?: string[];
  /** "all": every scenario has a volume; "none": none has; "partial": about a third have none. */
  volume?: "all" | "none" | "partial";
  /** Share of trials that end in an error verdict. */
  errorRate?: number;
  /** Empathy and accuracy graded by a judge (default) or the offline heuristic. */
  judged?: boolean;
  /** Put hostile markup (`<script>`, `</script>`, `onerror`, `javascript:`) into bot text, reasons and quotes. */
  hostile?: boolean;
  /** Extra filler words per bot reply, to make lines large for benches. */
  padding?: number;
  startedAt?: string;
}

export const DEFAULT_INTENTS: Array<{ intent: string; tier: 1 | 2 | 3 }> = [
  { intent: "refund.status", tier: 1 },
  { intent: "card.declined", tier: 1 },
  { intent: "account.fees", tier: 1 },
  { intent: "refund.request", tier: 2 },
  { intent: "card.lost", tier: 2 },
  { intent: "payment.dispute", tier: 2 },
  { intent: "fraud.report", tier: 3 },
  { intent: "bereavement.notice", tier: 3 },
  { intent: "hardship.payment_plan", tier: 3 },
];

export const DEFAULT_LANGUAGES = ["en", "de", "fr", "sv"];

const HOSTILE = [
  "<script>window.__pwned = 1</script>",
  '<img src=x onerror="window.__pwned=1">',
  '<a href="javascript:window.__pwned=1">click</a>',
  '"]}</script><script>window.__pwned=1</script>',
];

const OPENINGS: Record<string, string> = {
  en: "Hi, I need help with my account.",
  de: "Hallo, ich brauche Hilfe mit meinem Konto.",
  fr: "Bonjour, j'ai besoin d'aide avec mon compte.",
  sv: "Hej, jag behöver hjälp med mitt konto.",
};

const REPLIES: Record<string, string> = {
  en: "Thanks for waiting. I have checked your order and the refund is on its way.",
  de: "Danke für Ihre Geduld. Ich habe Ihre Bestellung geprüft, die Erstattung ist unterwegs.",
  fr: "Merci de votre patience. J'ai vérifié votre commande, le remboursement est en cours.",
  sv: "Tack för att du väntade. Jag har kontrollerat din order och återbetalningen är på väg.",
};

const LANGUAGE_PENALTY: Record<string, number> = { en: 0, de: 0.03, fr: 0.05, sv: 0.1 };
const TIER_PENALTY: Record<number, number> = { 1: 0, 2: 0.08, 3: 0.2 };
const ERROR_KINDS = ["timeout", "rate_limit", "bad_response", "candidate_error"] as const;

function normalizeCandidates(list: Array<string | SyntheticCandidate>): SyntheticCandidate[] {
  return list.map((c, i) => (typeof c === "string" ? { id: c, skill: Math.max(0.5, 0.95 - 0.1 * i) } : c));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

interface ScenarioSpec {
  id: string;
  intent: string;
  tier: 1 | 2 | 3;
  language: string;
  volume: number | null;
  mustEscalate: boolean;
  difficulty: number;
}

function makeScenarios(
  opts: Required<Pick<SyntheticOptions, "scenarios" | "intents" | "languages" | "volume">>,
  rng: Rng,
) {
  const specs: ScenarioSpec[] = [];
  const raw: number[] = [];
  for (let i = 0; i < opts.scenarios; i++) {
    const { intent, tier } = opts.intents[i % opts.intents.length]!;
    const language = opts.languages[Math.floor(i / opts.intents.length) % opts.languages.length]!;
    // English contacts dominate in real queues; routine intents more so.
    raw.push((language === "en" ? 3 : 1) * (4 - tier) * (0.5 + rng()));
    specs.push({
      id: `${intent.replace(/\./g, "-")}-${language}-${String(i).padStart(4, "0")}`,
      intent,
      tier,
      language,
      volume: null,
      mustEscalate: tier === 3 ? rng() < 0.9 : tier === 2 ? rng() < 0.15 : false,
      difficulty: rng() * 0.1,
    });
  }
  const total = raw.reduce((a, b) => a + b, 0);
  specs.forEach((s, i) => {
    const withVolume = opts.volume === "all" || (opts.volume === "partial" && i % 3 !== 0);
    s.volume = withVolume ? Number(((raw[i] ?? 0) / total).toFixed(6)) : null;
  });
  return specs;
}

function grade(
  criterion: string,
  pass: boolean | null,
  score: number,
  reason: string,
  extra: Partial<Grade> & { kind: Grade["kind"] },
): Grade {
  return {
    criterion,
    score,
    pass,
    hard: extra.hard ?? false,
    reason,
    evidence: extra.evidence ?? [],
    grader: extra.grader ?? criterion,
    version: extra.version ?? "1",
    ...extra,
  };
}

/** Lines for every candidate × scenario × trial, in that order. */
export function makeResultLines(options: SyntheticOptions = {}): ResultLine[] {
  const seed = options.seed ?? 1;
  const rng = seededRng(seed);
  const candidates = normalizeCandidates(options.candidates ?? ["builtin:reference", "builtin:faq-bot"]);
  const trials = options.trials ?? 1;
  const run = options.run ?? `synthetic-${seed}`;
  const suite = options.suite ?? "synthetic";
  const domain = options.domain ?? "fjordpay";
  const judged = options.judged ?? true;
  const errorRate = options.errorRate ?? 0.01;
  const start = Date.parse(options.startedAt ?? "2026-01-15T09:00:00.000Z");
  const specs = makeScenarios(
    {
      scenarios: options.scenarios ?? 60,
      intents: options.intents ?? DEFAULT_INTENTS,
      languages: options.languages ?? DEFAULT_LANGUAGES,
      volume: options.volume ?? "all",
    },
    rng,
  );
  const padding = options.padding ? ` ${"lorem ipsum ".repeat(options.padding).trim()}` : "";
  const lines: ResultLine[] = [];
  let clock = start;
  for (const cand of candidates) {
    const missBase = cand.missRate ?? (1 - cand.skill) / 2;
    const cost = cand.costUsd ?? Number((0.002 + 0.02 * cand.skill).toFixed(4));
    for (const s of specs) {
      for (let t = 0; t < trials; t++) {
        const hostile = options.hostile === true && rng() < 0.3;
        const p = clamp(
          cand.skill - (TIER_PENALTY[s.tier] ?? 0) - (LANGUAGE_PENALTY[s.language] ?? 0.08) - s.difficulty,
          0.02,
          0.99,
        );
        const isError = rng() < errorRate;
        let escalation: EscalationOutcome;
        let handedOff: boolean;
        if (s.mustEscalate) {
          const u = rng();
          const miss = clamp(missBase * (s.tier === 3 ? 1.5 : 1), 0, 0.9);
          escalation = u < miss ? "missed" : u < miss + 0.05 ? "late" : "correct_handoff";
          handedOff = escalation !== "missed";
        } else {
          escalation = rng() < (1 - cand.skill) * 0.15 ? "needless" : "correct_no_handoff";
          handedOff = escalation === "needless";
        }
        const factsOk = rng() < p + 0.05;
        const forbiddenOk = rng() < clamp(p + 0.1, 0, 0.995);
        const languageOk = rng() < clamp(1 - (LANGUAGE_PENALTY[s.language] ?? 0.05), 0, 1);
        const escalationOk = escalation === "correct_handoff" || escalation === "correct_no_handoff";
        const botTurns = 1 + Math.floor(rng() * 3);
        const reply = (REPLIES[s.language] ?? REPLIES.en!) + padding;
        const hostileText = hostile ? ` ${pick(rng, HOSTILE)}` : "";
        const transcript: TranscriptEvent[] = [
          { type: "customer", turn: 0, text: OPENINGS[s.language] ?? OPENINGS.en! },
        ];
        let latency = 0;
        for (let b = 1; b <= botTurns; b++) {
          if (b === 1 && s.tier >= 2) {
            transcript.push({
              type: "tool",
              turn: b,
              id: `call_${b}`,
              name: "lookup_order",
              args: { order_id: "O-7781" },
              result: { status: "returned", amount: 89.9 },
              changes: [],
            });
          }
          const ms = Math.round(300 + rng() * 1500 + (1 - cand.skill) * 400);
          latency += ms;
          transcript.push({
            type: "bot",
            turn: b,
            text: reply + (b === 1 ? hostileText : ""),
            latency_ms: ms,
            usage: { inputTokens: 400 + b * 150, outputTokens: 60 + Math.floor(rng() * 80) },
          });
          if (b < botTurns) transcript.push({ type: "customer", turn: b, text: "Okay, and then?" });
        }
        if (handedOff) {
          transcript.push({
            type: "handoff",
            turn: botTurns,
            reason: s.tier === 3 ? "vulnerability" : "policy",
            summary: `Customer needs a person for ${s.intent}.${hostileText}`,
            detected_by: "tool",
          });
        }
        const firstBotTurn = 1;
        const quote = reply.slice(0, 40) + hostileText;
        const empathyScore = judged
          ? clamp(Math.round(1 + 4 * (p + (rng() - 0.5) * 0.5)), 1, 5)
          : clamp(Number((1 + 4 * (p * 0.8 + rng() * 0.2)).toFixed(2)), 1, 5);
        const accuracyScore = clamp(Math.round(1 + 4 * (factsOk ? 0.7 + rng() * 0.3 : rng() * 0.6)), 1, 5);
        const softKind = judged ? "judge" : "heuristic";
        const grades: Grade[] = [];
        if (!isError) {
          grades.push(
            grade(
              "facts",
              factsOk,
              factsOk ? 1 : 0.5,
              factsOk ? "all fact keys present" : `missing key "5 business days"${hostileText}`,
              {
                kind: "deterministic",
                hard: true,
                evidence: factsOk ? [{ turn: firstBotTurn, quote }] : [],
              },
            ),
            grade(
              "forbidden",
              forbiddenOk,
              forbiddenOk ? 1 : 0,
              forbiddenOk ? "no forbidden phrase" : "promised a refund date",
              {
                kind: "deterministic",
                hard: true,
                evidence: forbiddenOk ? [] : [{ turn: firstBotTurn, quote: `refund arrives tomorrow${hostileText}` }],
              },
            ),
            grade("escalation", escalationOk, escalationOk ? 1 : 0, `escalation ${escalation}`, {
              kind: "deterministic",
              hard: true,
              detail: { outcome: escalation },
            }),
            grade(
              "language",
              languageOk,
              languageOk ? 1 : 0,
              languageOk ? `replies in ${s.language}` : "replied in en",
              {
                kind: "deterministic",
                hard: s.language !== "en",
              },
            ),
            grade("efficiency", botTurns <= 3, botTurns <= 3 ? 1 : 0.5, `${botTurns} bot turns`, {
              kind: "deterministic",
            }),
            grade("accuracy", judged ? accuracyScore >= 3 : null, accuracyScore, `accuracy ${accuracyScore}/5`, {
              kind: softKind,
              scale: [1, 5],
              grader: judged ? "judge:openai:gpt-4.1" : "heuristic:accuracy",
              evidence: [{ turn: firstBotTurn, quote }],
            }),
            grade(
              "empathy",
              judged ? empathyScore >= 3 : null,
              empathyScore,
              `empathy ${empathyScore}/5${hostileText}`,
              {
                kind: softKind,
                scale: [1, 5],
                grader: judged ? "judge:openai:gpt-4.1" : "heuristic:empathy",
                evidence: [{ turn: firstBotTurn, quote }],
              },
            ),
          );
          if (judged) {
            const tone = clamp(Math.round(2 + 3 * rng()), 1, 5);
            grades.push(
              grade("tone", tone >= 3, tone, `tone ${tone}/5`, {
                kind: "judge",
                scale: [1, 5],
                grader: "judge:openai:gpt-4.1",
              }),
            );
          }
        }
        const verdict: Verdict = isError ? "error" : grades.some((g) => g.hard && g.pass === false) ? "fail" : "pass";
        const startedAt = new Date(clock).toISOString();
        clock += latency + 50;
        const line: ResultLine = {
          v: RESULTS_VERSION,
          run,
          key: trialKey(suite, s.id, cand.id, t),
          suite,
          scenario: s.id,
          domain,
          intent: s.intent,
          tier: s.tier,
          language: s.language,
          volume: s.volume,
          candidate: cand.id,
          trial: t,
          verdict,
          grades,
          escalation: isError ? null : escalation,
          started_at: startedAt,
          ended_at: new Date(clock).toISOString(),
          transcript,
          end_reason: isError ? "error" : handedOff ? "handoff" : "bot_closed",
          world_diff: [],
          usage: {
            input_tokens: 400 * botTurns,
            output_tokens: 100 * botTurns,
            cost_usd: isError ? cost / 2 : cost,
            calls: botTurns,
            cached_calls: 0,
          },
          latency_ms: latency + 20 * botTurns,
          bot_ms: latency,
        };
        if (isError) line.error = { kind: pick(rng, ERROR_KINDS), message: `synthetic failure${hostileText}` };
        lines.push(line);
      }
    }
  }
  return lines;
}

/** A run.json matching lines made by `makeResultLines`. */
export function makeRunMeta(lines: ResultLine[], overrides: Partial<RunMeta> = {}): RunMeta {
  const first = lines[0];
  const candidates = [...new Set(lines.map((l) => l.candidate))];
  const suites = [...new Set(lines.map((l) => l.suite))];
  return {
    v: RESULTS_VERSION,
    run: first?.run ?? "synthetic",
    package_version: "0.1.0",
    git_commit: null,
    started_at: first?.started_at ?? "2026-01-15T09:00:00.000Z",
    ended_at: lines.at(-1)?.ended_at ?? null,
    status: "complete",
    candidates,
    judge: "openai:gpt-4.1",
    suites: suites.map((suite) => ({
      suite,
      file: `suites/${suite}.yaml`,
      sha256: "0".repeat(64),
      scenarios: new Set(lines.filter((l) => l.suite === suite).map((l) => l.scenario)).size,
    })),
    config_sha256: "0".repeat(64),
    options: { trials: null, max_turns: 12, shard: null, globs: ["suites/*.yaml"] },
    planned_trials: lines.length,
    ...overrides,
  };
}
