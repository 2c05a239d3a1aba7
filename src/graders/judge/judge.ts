import { modelFamily, sameFamilyWarning } from "../../providers/model-family.js";
import type { BotTurn, Candidate, Message, RespondRequest } from "../../providers/types.js";
import { type Grade, type JudgeUsage, noJudgeUsage } from "../schema.js";
import type { AsyncGrader, GradeInput } from "../types.js";
import { type Aggregate, aggregateValues } from "./aggregate.js";
import { type CriterionAnswer, readAnswers } from "./answer.js";
import { type JudgedCriterion, judgedCriteria } from "./criteria.js";
import { verifyEvidence } from "./evidence.js";
import { newDelimiter } from "./fence.js";
import { buildJudgeRequest, DEFAULT_LIMITS, JUDGE_PROMPT_VERSION, type PromptLimits, SUBMIT_TOOL } from "./prompt.js";
import type { Rubric } from "./rubric-schema.js";

/** The LLM judge: one call per conversation (per judge and sample) grades every judged criterion. */

export interface JudgeOptions {
  /** One judge, or several forming a panel. */
  judges: Candidate[];
  rubrics: Rubric[];
  aggregate?: Aggregate;
  /** Calls per judge per conversation (repeated sampling). */
  samples?: number;
  /** The candidate under test (a provider spec or a family name), for the same-family warning. */
  candidateFamily?: string;
  limits?: Partial<PromptLimits>;
  /** Reply limit per call; default 1,024 + 256 a criterion. Raise it for reasoning models, whose thinking counts. */
  maxTokens?: number;
  /** Random bytes for the fence delimiter; crypto by default. */
  randomBytes?: (n: number) => Buffer;
}

export type Judge = AsyncGrader & {
  /** `judge:<model>` or `judge-panel:<a>+<b>`, as written in each grade's `grader`. */
  readonly id: string;
  /** Same-family warnings, to print once before a run. */
  readonly warnings: string[];
  /** Tokens and calls spent so far, repairs included. */
  usage(): JudgeUsage;
};

type CallOutcome =
  | { ok: true; answers: Record<string, CriterionAnswer>; repaired: boolean; promptHash: string }
  | { ok: false; error: string; promptHash: string };

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function repairTail(turn: BotTurn, problem: string): Message[] {
  const fix = `Your submission was rejected: ${problem}. Call ${SUBMIT_TOOL} again with every criterion, using only the allowed values.`;
  const calls = turn.toolCalls ?? [];
  // Arguments that are not JSON cannot be sent back as a tool call (APIs reject them), so the
  // broken call is described in words instead.
  const replayable = calls.every((c) => typeof c.args !== "string" || isJson(c.args));
  if (calls.length && !replayable) {
    const text = calls.map((c) => `${c.name}(${String(c.args).slice(0, 2000)})`).join("\n");
    return [
      { role: "assistant", content: `${turn.text ? `${turn.text}\n` : ""}${text}`, toolCalls: [] },
      { role: "user", content: fix },
    ];
  }
  if (calls.length) {
    return [
      { role: "assistant", content: turn.text ?? "", toolCalls: calls },
      ...calls.map((c): Message => ({ role: "tool", toolCallId: c.id, name: c.name, content: fix })),
    ];
  }
  return [
    { role: "assistant", content: turn.text?.trim() ? turn.text : "(empty reply)", toolCalls: [] },
    { role: "user", content: fix },
  ];
}

function errorText(err: unknown): string {
  if (err instanceof Error) return "kind" in err ? `${String(err.kind)}: ${err.message}` : err.message;
  return String(err);
}

/** Create the judge grader; see docs/judge.md. */
export function createJudge(options: JudgeOptions): Judge {
  const { judges, rubrics } = options;
  if (!judges.length) throw new Error("createJudge needs at least one judge");
  const how: Aggregate = options.aggregate ?? "mean";
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) throw new Error("samples must be a positive integer");
  const limits: PromptLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const judgeIds = judges.map((j) => j.id);
  const id = judges.length === 1 ? `judge:${judgeIds[0]}` : `judge-panel:${judgeIds.join("+")}`;
  const candidateFamily = options.candidateFamily
    ? (modelFamily(options.candidateFamily) ?? options.candidateFamily.toLowerCase())
    : undefined;
  const warnings = candidateFamily
    ? judges.flatMap((j) => {
        const w = sameFamilyWarning(j.id, options.candidateFamily ?? "", {
          judge: j.family ?? modelFamily(j.id) ?? undefined,
          candidate: candidateFamily,
        });
        return w ? [w] : [];
      })
    : [];
  const totals = noJudgeUsage();

  async function respond(judge: Candidate, req: RespondRequest): Promise<BotTurn> {
    totals.calls++;
    const turn = await judge.respond(req);
    // A cached answer was paid for by an earlier run: count it, spend nothing.
    if (turn.usage?.cached) {
      totals.cached_calls++;
      return turn;
    }
    totals.input_tokens += turn.usage?.inputTokens ?? 0;
    totals.output_tokens += turn.usage?.outputTokens ?? 0;
    totals.cost_usd += turn.usage?.costUsd ?? 0;
    return turn;
  }

  async function callOnce(
    judge: Candidate,
    criteria: JudgedCriterion[],
    input: GradeInput,
    sample: number,
    signal: AbortSignal,
  ): Promise<CallOutcome> {
    const delimiter = newDelimiter(options.randomBytes);
    const req = buildJudgeRequest(criteria, input, delimiter, limits);
    const base: Omit<RespondRequest, "messages"> = {
      tools: [req.tool],
      toolChoice: req.tool.name,
      temperature: 0,
      system: req.system,
      signal,
      maxTokens: options.maxTokens ?? 1024 + 256 * criteria.length,
      // The delimiter is new on every call; the cache keys the call without it, so an unchanged
      // re-grade is served from the cache, and each repeated sample keeps its own entry.
      volatile: [delimiter],
      context: {
        conversationId: samples > 1 ? `judge:${input.scenario.id}#sample${sample}` : `judge:${input.scenario.id}`,
        language: input.scenario.language,
        scenarioId: input.scenario.id,
        domain: input.scenario.domain,
      },
    };
    const messages: Message[] = [{ role: "user", content: req.user }];
    try {
      const first = await respond(judge, { ...base, messages });
      const read = readAnswers(first, criteria);
      if (read.ok) return { ok: true, answers: read.answers, repaired: false, promptHash: req.promptHash };
      totals.repairs++;
      const second = await respond(judge, { ...base, messages: [...messages, ...repairTail(first, read.problem)] });
      const again = readAnswers(second, criteria);
      if (again.ok) return { ok: true, answers: again.answers, repaired: true, promptHash: req.promptHash };
      totals.failures++;
      return {
        ok: false,
        error: `judge ${judge.id} gave an invalid answer twice: ${again.problem}`,
        promptHash: req.promptHash,
      };
    } catch (err) {
      if (signal.aborted) throw err;
      totals.failures++;
      return { ok: false, error: `judge ${judge.id} call failed: ${errorText(err)}`, promptHash: req.promptHash };
    }
  }

  const grade: AsyncGrader = async (input, signal) => {
    const criteria = judgedCriteria(rubrics, input.scenario);
    if (!criteria.length) return [];
    const outcomes = await Promise.all(
      judges.map((judge) =>
        Promise.all(Array.from({ length: samples }, (_, k) => callOnce(judge, criteria, input, k, signal))),
      ),
    );
    return toGrades(criteria, outcomes, input, { id, judgeIds, how, samples, warnings });
  };

  return Object.assign(grade, { id, warnings, usage: () => ({ ...totals }) });
}

interface GradeMeta {
  id: string;
  judgeIds: string[];
  how: Aggregate;
  samples: number;
  warnings: string[];
}

function criterionFacts(c: JudgedCriterion) {
  if (c.kind === "scale") {
    return {
      scale: [1, 5] as [number, number],
      hard: c.def.hard,
      version: c.rubric.version,
      detail: { rubric: c.rubric.rubric, rubric_version: c.rubric.version, question: c.def.question },
    };
  }
  return {
    scale: [0, 1] as [number, number],
    // A judged forbidden behaviour is as decisive as a deterministic one.
    hard: c.kind === "forbidden",
    version: JUDGE_PROMPT_VERSION,
    detail: c.kind === "forbidden" ? { claim: c.text, judged: true, entry: c.key } : { line: c.text, entry: c.key },
  };
}

/** For yes/no criteria, 1 always means good, so that ties and means err towards failing. */
function goodness(c: JudgedCriterion, value: number): number {
  return c.kind === "forbidden" ? 1 - value : value;
}

function toGrades(criteria: JudgedCriterion[], outcomes: CallOutcome[][], input: GradeInput, meta: GradeMeta): Grade[] {
  const promptHash = outcomes[0]?.[0]?.promptHash ?? "";
  const failed = outcomes.flatMap((calls, j) =>
    calls.flatMap((o, s) => (o.ok ? [] : [{ judge: meta.judgeIds[j], sample: s, error: o.error }])),
  );
  const repaired = outcomes.flat().filter((o) => o.ok && o.repaired).length;
  const common = {
    judges: meta.judgeIds,
    ...(meta.judgeIds.length === 1 ? { model: meta.judgeIds[0] } : {}),
    aggregate: meta.how,
    samples: meta.samples,
    prompt_sha256: promptHash,
    prompt_version: JUDGE_PROMPT_VERSION,
    repaired_calls: repaired,
    ...(failed.length ? { failed_calls: failed } : {}),
    ...(meta.warnings.length ? { same_family_warning: meta.warnings } : {}),
  };
  // A judge without one valid answer would silently change the panel; that is an error, not a grade.
  const silentJudge = outcomes.findIndex((calls) => !calls.some((o) => o.ok));
  if (silentJudge >= 0) {
    const error = failed.find((f) => f.judge === meta.judgeIds[silentJudge])?.error ?? "judge failed";
    return criteria.map((c) => {
      const f = criterionFacts(c);
      return {
        criterion: c.criterion,
        score: 0,
        scale: f.scale,
        pass: null,
        hard: f.hard,
        reason: `grader error: ${error}`,
        evidence: [],
        grader: meta.id,
        kind: "judge",
        version: f.version,
        detail: { ...common, ...f.detail },
        error,
      };
    });
  }
  return criteria.map((c) => {
    const f = criterionFacts(c);
    const answers = outcomes.map((calls) =>
      calls.flatMap((o) => (o.ok && o.answers[c.key] ? [o.answers[c.key] as CriterionAnswer] : [])),
    );
    const score = aggregateValues(
      answers.map((xs) => xs.map((a) => goodness(c, a.value))),
      meta.how,
    );
    const pass = c.kind === "scale" ? score >= c.def.pass_at : score > 0.5;
    const all = answers.flat();
    const cited = all.flatMap((a) => a.evidence);
    const { kept, dropped } = verifyEvidence(cited, input.conversation.transcript);
    const unique = kept.filter((e, i) => kept.findIndex((k) => k.turn === e.turn && k.quote === e.quote) === i);
    const first = all[0]?.reason.trim() || "(no reason given)";
    const values = answers.map((xs) => xs.map((a) => a.value));
    const reason = all.length > 1 ? `${meta.how} of ${all.length} answers ${JSON.stringify(values)}: ${first}` : first;
    return {
      criterion: c.criterion,
      score,
      scale: f.scale,
      pass,
      hard: f.hard,
      reason,
      evidence: unique.slice(0, 5),
      grader: meta.id,
      kind: "judge",
      version: f.version,
      detail: { ...common, ...f.detail, answers: values, evidence_dropped: dropped },
    };
  });
}
