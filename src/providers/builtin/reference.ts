import type { ReferenceStep } from "../../suite/schema.js";
import type { BotTurn, Candidate, Message, ToolCall } from "../types.js";

/** How many reference steps the bot side of `messages` has already played. */
function consumedSteps(messages: readonly Message[]): number {
  let n = 0;
  for (const m of messages) {
    if (m.role !== "assistant") continue;
    n += m.toolCalls.length + (m.content ? 1 : 0);
  }
  return n;
}

/**
 * `builtin:reference`: replays each scenario's gold `reference`, calling the tools for real.
 * Stateless: its place in the reference is read from the conversation so far.
 */
export function referenceCandidate(
  stepsFor: (scenarioId: string) => ReferenceStep[] | undefined,
  id = "builtin:reference",
): Candidate {
  return {
    id,
    async respond(req): Promise<BotTurn> {
      const steps = stepsFor(req.context.scenarioId) ?? [];
      let i = consumedSteps(req.messages);
      const toolCalls: ToolCall[] = [];
      while (i < steps.length) {
        const step = steps[i]!;
        if (!("tool" in step)) break;
        toolCalls.push({ id: `ref-${i}`, name: step.tool, args: step.args });
        i++;
      }
      if (toolCalls.length > 0) return { toolCalls, usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 } };
      const step = steps[i];
      if (!step) return { text: "", end: true };
      let text: string | undefined;
      if ("say" in step) {
        text = step.say;
        i++;
      }
      const next = steps[i];
      if (next && "handoff" in next) {
        const call = { id: `ref-${i}`, name: "escalate_to_human", args: next.handoff };
        return { text, toolCalls: [call] };
      }
      return { text: text ?? "" };
    },
  };
}
