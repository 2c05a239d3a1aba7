import { type Candidate, type Message, ProviderError, type ToolCall, type Usage } from "../providers/types.js";
import type { Domain } from "../suite/domain-schema.js";
import type { LoadedScenario } from "../suite/schema.js";
import type { Customer } from "./customer.js";
import type { Change, Conversation, EndReason, TotalUsage, TranscriptEvent, TrialError } from "./schema.js";

import { ToolEnvironment } from "./tool-env.js";
import type { ToolImplementations } from "./tool-types.js";
import { mergeWorld, World, type WorldData } from "./world.js";

export const DEFAULT_MAX_TURNS = 8;
/** Tool rounds a bot may take inside one turn before the turn is cut. */
const MAX_TOOL_ROUNDS = 12;

export interface ConversationRequest {
  scenario: LoadedScenario;
  domain: Domain;
  tools: ToolImplementations;
  candidate: Candidate;
  customer: Customer;
  maxTurns?: number;
  signal: AbortSignal;
  conversationId: string;
  sessionId: string;
  /** Milliseconds since some origin; injected so tests are deterministic. */
  now?: () => number;
}

export interface ConversationResult {
  conversation: Conversation;
  initialWorld: WorldData;
  finalWorld: WorldData;
}

/** The system prompt for model candidates: the domain's template with policy and language filled in. */
export function systemPrompt(domain: Domain, language: string): string {
  let byLanguage = prompts.get(domain);
  if (!byLanguage) {
    byLanguage = new Map();
    prompts.set(domain, byLanguage);
  }
  let prompt = byLanguage.get(language);
  if (prompt === undefined) {
    prompt = domain.systemPrompt.replaceAll("{{policy}}", domain.policy).replaceAll("{{language}}", language);
    byLanguage.set(language, prompt);
  }
  return prompt;
}

// Filled in once per domain and language: the policy is some thousands of characters.
const prompts = new WeakMap<Domain, Map<string, string>>();

function addUsage(total: TotalUsage, u: Usage | undefined): void {
  total.calls += 1;
  if (!u) return;
  total.input_tokens += u.inputTokens;
  total.output_tokens += u.outputTokens;
  total.cost_usd += u.costUsd ?? 0;
  if (u.cached) total.cached_calls += 1;
}

function classify(err: unknown): TrialError {
  if (err instanceof ProviderError) return { kind: err.kind, message: err.message };
  if (err instanceof Error && err.name === "AbortError") return { kind: "timeout", message: err.message };
  return { kind: "candidate_error", message: err instanceof Error ? err.message : String(err) };
}

/** Hold one conversation: customer ⇄ candidate ⇄ tools, until close, hand-off, silence or max turns. */
export async function runConversation(req: ConversationRequest): Promise<ConversationResult> {
  const now = req.now ?? (() => performance.now());
  const start = now();
  const initialWorld = mergeWorld(req.domain.world, req.scenario.world);
  const world = new World(initialWorld);
  const env = new ToolEnvironment(req.domain, req.tools, world, req.scenario.language);
  const specs = env.specs();
  const system = systemPrompt(req.domain, req.scenario.language);
  const maxTurns = req.maxTurns ?? DEFAULT_MAX_TURNS;
  const transcript: TranscriptEvent[] = [];
  const messages: Message[] = [{ role: "user", content: req.scenario.customer.opening }];
  transcript.push({ type: "customer", turn: 0, text: req.scenario.customer.opening });
  const usage: TotalUsage = { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0, cached_calls: 0 };
  let botMs = 0;
  // Bot time is the calls' own time as the cache reports it (replays: the time they took when made).
  let replayShift = 0;
  let end: EndReason = "max_turns";
  let error: TrialError | undefined;
  const context = {
    conversationId: req.conversationId,
    sessionId: req.sessionId,
    language: req.scenario.language,
    scenarioId: req.scenario.id,
    domain: req.domain.name,
  };

  try {
    for (let turn = 1; turn <= maxTurns; turn++) {
      let handoff: { reason: string; summary: string; by: "tool" | "field" } | undefined;
      const texts: string[] = [];
      let closed = false;
      const turnStart = now();
      const shiftAtStart = replayShift;
      let lastUsage: Usage | undefined;
      for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
        const t0 = now();
        const reply = await req.candidate.respond({
          messages: [...messages],
          tools: specs,
          system,
          signal: req.signal,
          context,
        });
        const measured = now() - t0;
        const took = reply.usage?.latencyMs ?? measured;
        botMs += took;
        replayShift += took - measured;
        addUsage(usage, reply.usage);
        lastUsage = reply.usage;
        if (reply.text?.trim()) texts.push(reply.text.trim());
        const text = reply.text ?? "";
        // A bot may close the conversation in the same reply that asks for tools.
        closed ||= reply.end === true;
        const calls = reply.toolCalls ?? [];
        if (reply.handoff && !handoff) handoff = { ...reply.handoff, by: "field" };
        const record = (call: ToolCall, out: { result: unknown; error?: string; changes: Change[] }) =>
          transcript.push({ type: "tool", turn, id: call.id, name: call.name, args: call.args, ...out });
        // A deployed bot runs its own tools: its calls are recorded for grading, nothing is executed.
        if (calls.length === 0 || req.candidate.runsOwnTools) {
          if (req.candidate.runsOwnTools) for (const call of calls) record(call, { result: null, changes: [] });
          messages.push({ role: "assistant", content: text, toolCalls: [] });
          break;
        }
        messages.push({ role: "assistant", content: text, toolCalls: calls });
        for (const call of calls) {
          const out = env.run(call);
          record(call, { result: out.result, error: out.error, changes: out.changes });
          messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: JSON.stringify(out.result) });
          if (out.handoff) handoff = { ...out.handoff, by: "tool" };
        }
        // A hand-off ends the bot's turn: the person takes over from here.
        if (handoff) break;
      }
      const text = texts.join("\n");
      transcript.push({
        type: "bot",
        turn,
        text,
        latency_ms: Math.round(now() - turnStart + replayShift - shiftAtStart),
        usage: lastUsage,
      });
      if (handoff) {
        transcript.push({
          type: "handoff",
          turn,
          reason: handoff.reason,
          summary: handoff.summary,
          detected_by: handoff.by,
        });
        end = "handoff";
        break;
      }
      if (closed) {
        end = "bot_closed";
        break;
      }
      if (turn === maxTurns) break;
      const reply = await req.customer.next(text, messages, req.signal);
      if (!reply) {
        end = "customer_done";
        break;
      }
      messages.push({ role: "user", content: reply.text });
      transcript.push({ type: "customer", turn, text: reply.text, ...(reply.simulated ? { simulated: true } : {}) });
    }
  } catch (err) {
    end = "error";
    error = classify(err);
  }

  const finalWorld = world.snapshot();
  return {
    conversation: {
      transcript,
      end_reason: end,
      world_diff: world.changes,
      usage,
      latency_ms: Math.round(now() - start + replayShift),
      bot_ms: Math.round(botMs),
      ...(error ? { error } : {}),
      ...(req.candidate.runsOwnTools ? { tools_observed: true } : {}),
    },
    initialWorld,
    finalWorld,
  };
}
