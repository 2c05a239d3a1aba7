/**
 * Judge cost: tokens per graded conversation when a judge grades the four-criterion rubric
 * (accuracy, empathy, tone, resolution) with one call per conversation (supportbench) or with one
 * call per criterion (the way promptfoo's llm-rubric assertions work: each assertion is its own
 * call carrying the whole output and its one rubric).
 *
 * Conversations: every scenario of suites/*.yaml replayed by the gold reference bot through the
 * conversation engine (real policy, real tool results), plus the hand-written calibration examples.
 * Both calling patterns use the same prompt builder, rubric text and transcript rendering, so the
 * difference is the calling pattern alone. A second baseline, the floor, gives each per-criterion
 * call no instructions at all: only the transcript, its rubric and its context. No per-criterion
 * design can be cheaper than that.
 *
 * Tokens are counted in process (request characters / 4, the test server's fixed ratio) and, for
 * the calibration examples, as reported by the local OpenAI protocol server for real SDK requests.
 *
 * Run: npx tsx bench/judge-cost.ts
 */
import { join } from "node:path";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { scriptedCustomer } from "../src/conversation/customer.js";
import { runConversation } from "../src/conversation/engine.js";
import { loadToolImplementations } from "../src/conversation/tools/index.js";
import { calibrationInput } from "../src/graders/judge/calibrate.js";
import { loadCalibrationSet } from "../src/graders/judge/calibration-loader.js";
import { type JudgedCriterion, judgedCriteria } from "../src/graders/judge/criteria.js";
import { renderTranscript } from "../src/graders/judge/fence.js";
import { createJudge } from "../src/graders/judge/judge.js";
import { buildJudgeRequest, systemPrompt } from "../src/graders/judge/prompt.js";
import { loadRubrics } from "../src/graders/judge/rubric-loader.js";
import type { Rubric } from "../src/graders/judge/rubric-schema.js";
import type { GradeInput } from "../src/graders/types.js";
import { referenceCandidate } from "../src/providers/builtin/reference.js";
import { createOpenAICandidate } from "../src/providers/openai.js";
import type { BotTurn, Candidate, RespondRequest } from "../src/providers/types.js";
import { loadSuites } from "../src/suite/load.js";
import { roughTokens } from "../test/servers/harness.js";
import { startOpenAIServer } from "../test/servers/openai-server.js";

const ROOT = join(import.meta.dirname, "..");
const REASON =
  "The bot states the refund timing correctly and acknowledges the wait, but it does not say what happens next.";

/** A valid submission for whatever criteria the request's submit tool lists, with a realistic reason each. */
function answerFor(toolParameters: unknown): Record<string, unknown> {
  const grades = (toolParameters as { properties: { grades: { properties: Record<string, { properties: object }> } } })
    .properties.grades.properties;
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(grades)) {
    const answer = "score" in schema.properties ? { score: 3 } : { answer: "no" };
    out[key] = { reason: REASON, ...answer, evidence: [{ turn: 1, quote: "within 5 business days" }] };
  }
  return { grades: out };
}

interface Tally {
  input: number;
  output: number;
  calls: number;
}
const empty = (): Tally => ({ input: 0, output: 0, calls: 0 });

/** An in-process judge that counts request and reply at 4 characters a token. */
function countingJudge(tally: Tally): Candidate {
  return {
    id: "bench:counting-judge",
    async respond(req: RespondRequest): Promise<BotTurn> {
      const args = answerFor(req.tools[0]?.parameters);
      tally.calls++;
      tally.input +=
        roughTokens([{ role: "system", content: req.system ?? "" }, ...req.messages]) + roughTokens(req.tools);
      tally.output += roughTokens(JSON.stringify(args));
      return { toolCalls: [{ id: `call_${tally.calls}`, name: "submit_grades", args }] };
    },
  };
}

/** Grade every input once per rubric set with this judge; per-criterion grading passes one rubric per set. */
async function grade(judge: Candidate, rubricSets: Rubric[][], inputs: GradeInput[]): Promise<void> {
  for (const rubrics of rubricSets) {
    const grader = createJudge({ judges: [judge], rubrics });
    for (const input of inputs) {
      const grades = await grader(input, new AbortController().signal);
      if (grades.some((g) => g.error)) throw new Error(`bench judge failed: ${grades.find((g) => g.error)?.error}`);
    }
  }
}

/** The floor of any per-criterion design: each call carries only transcript, one rubric and its context. */
function floor(criteria: JudgedCriterion[], input: GradeInput): number {
  const none = buildJudgeRequest([], input, "0".repeat(24));
  const transcript = roughTokens(none.user);
  let total = 0;
  for (const c of criteria) {
    const one = buildJudgeRequest([c], input, "0".repeat(24));
    const instructions = roughTokens(buildJudgeRequest([], input, "0".repeat(24)).system);
    // Criterion text = its system block beyond the bare instructions, plus its context in the user message.
    total +=
      transcript +
      Math.max(0, roughTokens(one.system) - instructions) +
      Math.max(0, roughTokens(one.user) - transcript);
  }
  return total;
}

interface Row {
  calls: number;
  input: number;
  output: number;
  total: number;
}
const per = (t: Tally, n: number): Row => ({
  calls: t.calls / n,
  input: t.input / n,
  output: t.output / n,
  total: (t.input + t.output) / n,
});

function withoutChecks(inputs: GradeInput[]): GradeInput[] {
  return inputs.map((i) => ({
    ...i,
    scenario: { ...i.scenario, expect: { ...i.scenario.expect, rubric: [], forbidden: [] } },
  }));
}

/** Each scenario check alone, as its own input. */
function eachCheckAlone(inputs: GradeInput[]): GradeInput[] {
  return inputs.flatMap((input) =>
    judgedCriteria([], input.scenario).map((c) => ({
      ...input,
      scenario: {
        ...input.scenario,
        expect: {
          ...input.scenario.expect,
          rubric: c.kind === "rubric_line" ? [c.text] : [],
          forbidden: c.kind === "forbidden" ? [c.text] : [],
        },
      },
    })),
  );
}

async function measure(rubrics: Rubric[], inputs: GradeInput[]): Promise<{ ours: Row; apart: Row; floor: Row }> {
  const ours = empty();
  await grade(countingJudge(ours), [rubrics], inputs);
  // One call per judged criterion: each rubric criterion alone, then each scenario check alone.
  const apart = empty();
  await grade(
    countingJudge(apart),
    rubrics.map((r) => [r]),
    withoutChecks(inputs),
  );
  await grade(countingJudge(apart), [[]], eachCheckAlone(inputs));
  const floorTokens = inputs.reduce((s, i) => s + floor(judgedCriteria(rubrics, i.scenario), i), 0) / inputs.length;
  return {
    ours: per(ours, inputs.length),
    apart: per(apart, inputs.length),
    floor: { calls: NaN, input: floorTokens, output: NaN, total: floorTokens },
  };
}

/** Where the tokens of one supportbench call go, averaged over the inputs. */
function breakdown(rubrics: Rubric[], inputs: GradeInput[]): [string, number][] {
  const parts = new Map<string, number>();
  const add = (k: string, v: number) => parts.set(k, (parts.get(k) ?? 0) + v / inputs.length);
  for (const input of inputs) {
    const criteria = judgedCriteria(rubrics, input.scenario);
    const req = buildJudgeRequest(criteria, input, "0".repeat(24));
    const instructions = roughTokens(systemPrompt([]));
    const withRubric = roughTokens(systemPrompt(criteria));
    const transcript = roughTokens(renderTranscript(input.conversation.transcript, "0".repeat(24)));
    add("instructions", instructions);
    add("rubric (anchored levels of 4 criteria)", withRubric - instructions);
    add("policy (system prompt, cacheable)", roughTokens(req.system) - withRubric);
    add("transcript (fenced)", transcript);
    add("scenario context, checks, help centre", roughTokens(req.user) - transcript);
    add("submit tool schema", roughTokens(req.tool));
  }
  return [...parts];
}

async function viaServer(rubricSets: Rubric[][], inputs: GradeInput[]): Promise<Row> {
  const server = await startOpenAIServer({
    script: (body: ChatCompletionCreateParams) => {
      const tool = body.tools?.[0];
      return {
        toolCalls: [
          {
            name: "submit_grades",
            arguments: answerFor(tool?.type === "function" ? tool.function.parameters : undefined),
          },
        ],
      };
    },
  });
  try {
    const judge = createOpenAICandidate({ model: "gpt-4.1-mini", baseURL: server.baseURL });
    const t = empty();
    for (const rubrics of rubricSets) {
      const g = createJudge({ judges: [judge], rubrics });
      for (const input of inputs) await g(input, new AbortController().signal);
      const u = g.usage();
      t.input += u.input_tokens;
      t.output += u.output_tokens;
      t.calls += u.calls;
    }
    return per(t, inputs.length);
  } finally {
    await server.close();
  }
}

/** Gold conversations: each scenario's reference replayed through the engine with its scripted customer. */
async function referenceConversations(): Promise<GradeInput[]> {
  const loaded = await loadSuites(["suites/*.yaml"], { cwd: ROOT, domainsDir: join(ROOT, "datasets", "domains") });
  const byId = new Map(loaded.scenarios.map((s) => [s.id, s]));
  const bot = referenceCandidate((id) => byId.get(id)?.reference);
  const out: GradeInput[] = [];
  for (const scenario of loaded.scenarios) {
    const domain = loaded.domains.get(scenario.domain);
    if (!domain || !scenario.reference.length) continue;
    const tools = await loadToolImplementations(domain.implementation, domain.dir);
    const signal = new AbortController().signal; // one per conversation
    const r = await runConversation({
      scenario,
      domain,
      tools,
      candidate: bot,
      customer: scriptedCustomer(scenario),
      signal,
      conversationId: `bench-${scenario.id}`,
      sessionId: `bench-${scenario.id}`,
      now: () => 0,
    });
    out.push({ scenario, domain, ...r, referenceWorld: null });
  }
  return out;
}

const fmt = (x: number) => (Number.isNaN(x) ? "" : Math.round(x).toLocaleString("en"));
function table(title: string, rows: [string, Row][], base: Row): void {
  console.log(`\n${title}`);
  console.log(
    `  ${"".padEnd(44)}${"calls".padStart(6)}${"input".padStart(9)}${"output".padStart(8)}${"total".padStart(9)}${"vs one call".padStart(13)}`,
  );
  for (const [label, r] of rows) {
    const calls = Number.isNaN(r.calls) ? "" : r.calls.toFixed(1);
    console.log(
      `  ${label.padEnd(44)}${calls.padStart(6)}${fmt(r.input).padStart(9)}${fmt(r.output).padStart(8)}${fmt(r.total).padStart(9)}${`${(r.total / base.total).toFixed(2)}×`.padStart(13)}`,
    );
  }
}

/** The same conversations made k times longer (their events repeated, turns renumbered): a what-if for long chats. */
function longer(inputs: GradeInput[], k: number): GradeInput[] {
  return inputs.map((input) => {
    const events = input.conversation.transcript;
    const span = Math.max(1, ...events.map((e) => e.turn)) + 1;
    const transcript = Array.from({ length: k }, (_, r) =>
      events.map((e) => ({ ...e, turn: e.turn + r * span })),
    ).flat();
    return { ...input, conversation: { ...input.conversation, transcript } };
  });
}

async function main(): Promise<void> {
  const { rubrics, problems } = await loadRubrics(join(ROOT, "graders"));
  if (problems.length) throw new Error(problems.map((p) => p.message).join("\n"));
  let t = performance.now();
  const lap = (what: string) => {
    if (process.env.BENCH_TIMING) console.error(`${what}: ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
  };
  const gold = await referenceConversations();
  lap("conversations");
  const { items } = await loadCalibrationSet(join(ROOT, "datasets", "calibration"));
  const examples = items.map((item) => calibrationInput(item));
  const turns = (xs: GradeInput[]) => xs.reduce((s, x) => s + x.conversation.transcript.length, 0) / xs.length;
  const checks = gold.reduce((s, g) => s + judgedCriteria([], g.scenario).length, 0) / gold.length;

  console.log(
    `Judge tokens per graded conversation (4 characters a token); rubric: ${rubrics.map((r) => r.rubric).join(", ")}`,
  );
  console.log(
    `  gold conversations: ${gold.length} (suites/*.yaml replayed by the reference bot, ${turns(gold).toFixed(1)} events each, full domain policy)`,
  );
  console.log(
    `  calibration examples: ${examples.length} (${turns(examples).toFixed(1)} events each, the labeller's policy excerpt)`,
  );

  console.log("\nWhere the tokens of one supportbench call go (gold conversations)");
  for (const [part, tokens] of breakdown(rubrics, withoutChecks(gold))) {
    console.log(`  ${part.padEnd(44)}${fmt(tokens).padStart(6)}`);
  }

  const a = await measure(rubrics, withoutChecks(gold));
  table(
    "Gold conversations, four-criterion rubric",
    [
      ["one call per conversation (supportbench)", a.ours],
      ["one call per criterion, same prompt", a.apart],
      ["one call per criterion, floor (no instructions)", a.floor],
    ],
    a.ours,
  );

  const b = await measure(rubrics, gold);
  table(
    `Gold conversations, rubric + each scenario's own judged checks (${checks.toFixed(2)} a scenario)`,
    [
      ["one call per conversation (supportbench)", b.ours],
      ["one call per criterion, same prompt", b.apart],
      ["one call per criterion, floor (no instructions)", b.floor],
    ],
    b.ours,
  );

  // Every fifth conversation is enough for a what-if, and keeps the bench quick.
  const sample = withoutChecks(gold).filter((_, i) => i % 5 === 0);
  console.log(
    `\nWhat if conversations were longer (${sample.length} gold conversations repeated k times, four-criterion rubric)`,
  );
  console.log(
    `  ${"k".padStart(3)}${"transcript".padStart(12)}${"one call".padStart(10)}${"per criterion".padStart(15)}${"ratio".padStart(8)}`,
  );
  for (const k of [1, 4, 16]) {
    const inputs = longer(sample, k);
    const m = await measure(rubrics, inputs);
    const t =
      inputs.reduce((sum, i) => sum + roughTokens(renderTranscript(i.conversation.transcript, "0".repeat(24))), 0) /
      inputs.length;
    console.log(
      `  ${String(k).padStart(3)}${fmt(t).padStart(12)}${fmt(m.ours.total).padStart(10)}${fmt(m.apart.total).padStart(15)}${`${(m.apart.total / m.ours.total).toFixed(2)}×`.padStart(8)}`,
    );
  }

  const c = await measure(rubrics, examples);
  const serverOurs = await viaServer([rubrics], examples);
  const serverApart = await viaServer(
    rubrics.map((r) => [r]),
    examples,
  );
  table(
    "Calibration examples, four-criterion rubric",
    [
      ["one call per conversation (supportbench)", c.ours],
      ["one call per criterion, same prompt", c.apart],
      ["one call per criterion, floor (no instructions)", c.floor],
      ["one call per conversation (OpenAI test server)", serverOurs],
      ["one call per criterion (OpenAI test server)", serverApart],
    ],
    c.ours,
  );
}

const started = performance.now();
await main();
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
