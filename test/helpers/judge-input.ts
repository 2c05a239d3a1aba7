import type { Conversation, TranscriptEvent } from "../../src/conversation/schema.js";
import type { GradeInput } from "../../src/graders/types.js";
import type { BotTurn, Candidate, RespondRequest } from "../../src/providers/types.js";
import type { Domain } from "../../src/suite/domain-schema.js";
import { type LoadedScenario, Scenario } from "../../src/suite/schema.js";

/** Small, explicit inputs for judge and heuristic tests. */

export function scenario(overrides: Record<string, unknown> = {}): LoadedScenario {
  const base = Scenario.parse({
    id: "refund-status-delayed-en",
    intent: "refund.status",
    tier: 1,
    language: "en",
    customer: {
      opening: "Hi, I returned my order ten days ago and still have no refund.",
      goal: "Learn when the refund arrives.",
    },
    expect: {
      escalate: false,
      facts: [{ claim: "Refunds are paid within 5 business days of the merchant confirming the return", keys: ["5"] }],
      rubric: ["acknowledges that the delay is frustrating"],
      forbidden: [
        "promises a refund date that policy does not guarantee",
        { claim: "no card numbers", pattern: "\\d{16}" },
      ],
    },
    ...overrides,
  });
  return { ...base, suite: "refunds", domain: "fjordpay", file: "suites/refunds.yaml", line: 1, trials: 1 };
}

export function domain(overrides: Partial<Domain> = {}): Domain {
  return {
    name: "fjordpay",
    dir: "datasets/domains/fjordpay",
    title: "Fjordpay",
    policy: "# Refunds\nRefunds are paid within 5 business days after the merchant confirms the return.",
    systemPrompt: "You are a support bot.",
    kb: [
      {
        id: "refund-timing",
        language: "en",
        title: "When do I get my refund?",
        body: "Once the merchant confirms your return, we pay the refund within 5 business days.",
        intents: ["refund.status"],
      },
    ],
    tools: [],
    world: {},
    implementation: "builtin:fjordpay",
    handoffReasons: ["vulnerability"],
    verificationTool: "verify_identity",
    ...overrides,
  };
}

export function conversation(transcript: TranscriptEvent[]): Conversation {
  return {
    transcript,
    end_reason: "customer_done",
    world_diff: [],
    usage: { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, cached_calls: 0 },
    latency_ms: 0,
    bot_ms: 0,
  };
}

export function bot(turn: number, text: string): TranscriptEvent {
  return { type: "bot", turn, text, latency_ms: 10 };
}

export function customer(turn: number, text: string): TranscriptEvent {
  return { type: "customer", turn, text };
}

export function gradeInput(transcript: TranscriptEvent[], scenarioOverrides: Record<string, unknown> = {}): GradeInput {
  return {
    scenario: scenario(scenarioOverrides),
    domain: domain(),
    conversation: conversation(transcript),
    initialWorld: {},
    finalWorld: {},
    referenceWorld: null,
  };
}

/** An in-process judge: answers each request with the next scripted reply and records what it was sent. */
export function scriptedJudge(
  id: string,
  replies: Array<BotTurn | ((req: RespondRequest, index: number) => BotTurn)>,
  family?: string,
): Candidate & { requests: RespondRequest[] } {
  const requests: RespondRequest[] = [];
  return {
    id,
    ...(family ? { family } : {}),
    requests,
    async respond(req) {
      const index = requests.length;
      requests.push(req);
      const reply = replies[Math.min(index, replies.length - 1)];
      if (!reply) throw new Error(`no scripted reply #${index}`);
      return typeof reply === "function" ? reply(req, index) : reply;
    },
  };
}

/** A tool-call reply submitting these grades. */
export function submit(grades: Record<string, unknown>, id = "call_1"): BotTurn {
  return {
    toolCalls: [{ id, name: "submit_grades", args: { grades } }],
    usage: { inputTokens: 100, outputTokens: 20 },
  };
}
