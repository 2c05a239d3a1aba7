import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultLine } from "../src/run/schema.js";
import {
  caseNumber,
  GOOD_REPLY,
  isSensitive,
  makeProject,
  readResults,
  runDirFrom,
  VAGUE_REPLY,
} from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import {
  startWebhookBotServer,
  type WebhookBotServer,
  type WebhookReply,
  type WebhookTurn,
} from "./servers/webhook-bot.js";

/**
 * Deployed bots behind a webhook, run through `supportbench run` from a config file: one that
 * keeps its own history (stateful, named by its URL) and one that wants the whole history each
 * turn (history, URL in options). The bot hands bereavement cases to a person through its own
 * hand-off field, and answers the others on the second turn only when it remembers the first.
 */

const SCENARIOS = 6;
const TRIALS = 2;
const SENSITIVE_EVERY = 3;

const RESPONSE = {
  text: "output.text",
  handoff: "handoff.requested",
  handoffReason: "handoff.reason",
  handoffSummary: "handoff.summary",
  end: "conversation_ended",
  toolCalls: "actions",
};

const HANDOFF_SUMMARY = "Customer's husband died last week; his card is still being charged.";

/** The bot: hand-off on bereavement; else a question first, then the answer once it sees two customer messages. */
function script(turn: WebhookTurn): WebhookReply {
  const n = caseNumber(turn.history[0]?.content ?? "");
  if (/passed away/.test(turn.message)) {
    return {
      text: "I'm so sorry for your loss. I'm connecting you with a colleague who can help with this.",
      handoff: { reason: "bereavement", summary: HANDOFF_SUMMARY },
    };
  }
  const customerMessages = turn.history.filter((m) => m.role === "user").length;
  if (customerMessages < 2) return { text: "Thanks for getting in touch. Let me look into that for you." };
  return {
    text: n % 2 === 0 ? GOOD_REPLY : VAGUE_REPLY,
    end: true,
    actions: [{ tool: "lookup_order", input: { case: n } }],
  };
}

describe("webhook bots through `supportbench run`", () => {
  let stateful: WebhookBotServer;
  let history: WebhookBotServer;
  let lines: ResultLine[];

  beforeAll(async () => {
    stateful = await startWebhookBotServer({ mode: "stateful", script });
    history = await startWebhookBotServer({ mode: "stateless", script });
    const project = makeProject(
      {
        candidates: [
          { id: "bot-stateful", provider: stateful.endpoint, options: { session: "stateful", response: RESPONSE } },
          {
            id: "bot-history",
            provider: "http:",
            options: { url: history.endpoint, session: "history", response: RESPONSE },
          },
        ],
        concurrency: 6,
      },
      { scenarios: SCENARIOS, trials: TRIALS, turns: 1, sensitiveEvery: SENSITIVE_EVERY },
    );
    const r = await runCli(["run", "--no-report"], { cwd: project.dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    lines = readResults(runDirFrom(r.stdout, project.dir));
  });

  afterAll(async () => {
    await stateful?.close();
    await history?.close();
  });

  it("holds every conversation with both bots and grades them by what they said", () => {
    expect(lines).toHaveLength(SCENARIOS * TRIALS * 2);
    for (const l of lines) {
      const n = Number(l.scenario.slice(-3));
      expect(l.error).toBeUndefined();
      if (isSensitive(n, SENSITIVE_EVERY)) continue;
      // The answer comes on the second turn only if the bot remembered the first.
      expect(l.end_reason).toBe("bot_closed");
      expect(l.transcript.filter((e) => e.type === "bot")).toHaveLength(2);
      expect(l.verdict).toBe(n % 2 === 0 ? "pass" : "fail");
    }
  });

  it("records the bot's hand-off field as a hand-off detected by field, and grades the escalation correct", () => {
    const sensitive = lines.filter((l) => isSensitive(Number(l.scenario.slice(-3)), SENSITIVE_EVERY));
    expect(sensitive).toHaveLength((SCENARIOS / SENSITIVE_EVERY) * TRIALS * 2);
    for (const l of sensitive) {
      const handoff = l.transcript.find((e) => e.type === "handoff");
      expect(handoff).toMatchObject({ reason: "bereavement", summary: HANDOFF_SUMMARY, detected_by: "field", turn: 1 });
      expect(l.end_reason).toBe("handoff");
      expect(l.escalation).toBe("correct_handoff");
      expect(l.grades.find((g) => g.criterion === "escalation")?.pass).toBe(true);
      expect(l.verdict).toBe("pass");
    }
  });

  it("records the bot's own tool calls as observations, without running them", () => {
    const answered = lines.filter((l) => l.end_reason === "bot_closed");
    expect(answered.length).toBeGreaterThan(0);
    for (const l of answered) {
      const tools = l.transcript.filter((e) => e.type === "tool");
      expect(tools).toHaveLength(1);
      expect(tools[0]).toMatchObject({ name: "lookup_order", result: null, changes: [] });
      expect(l.world_diff).toEqual([]);
    }
  });

  it("stateful: one session per trial, the newest message only, and the bot's memory holds the conversation", () => {
    const trials = lines.filter((l) => l.candidate === "bot-stateful");
    expect(stateful.sessions.size).toBe(trials.length);
    const runId = trials[0]!.run;
    for (const l of trials) {
      const memory = stateful.sessions.get(`${runId}:${l.key}`);
      expect(memory, l.key).toBeDefined();
      const sensitive = isSensitive(Number(l.scenario.slice(-3)), SENSITIVE_EVERY);
      expect(memory!.map((m) => m.role)).toEqual(
        sensitive ? ["user", "assistant"] : ["user", "assistant", "user", "assistant"],
      );
    }
    for (const body of stateful.requests as Record<string, unknown>[]) {
      expect(Object.keys(body).sort()).toEqual(["language", "message", "session_id"]);
      expect(body.language).toBe("en");
    }
  });

  it("history: each turn posts the whole visible conversation", () => {
    const bodies = history.requests as { messages: { role: string; content: string }[] }[];
    const trials = lines.filter((l) => l.candidate === "bot-history");
    const sensitive = trials.filter((l) => isSensitive(Number(l.scenario.slice(-3)), SENSITIVE_EVERY)).length;
    // One request for a hand-off, two for the others.
    expect(bodies).toHaveLength(sensitive + (trials.length - sensitive) * 2);
    const second = bodies.filter((b) => b.messages.length === 3);
    expect(second).toHaveLength(trials.length - sensitive);
    for (const b of second) {
      expect(b.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
      expect(b.messages[1]!.content).toBe("Thanks for getting in touch. Let me look into that for you.");
      expect(b.messages[2]!.content).toMatch(/^Follow-up 1 on case case-\d{3}\.$/);
    }
  });
});
