import type { Candidate, Message } from "../providers/types.js";
import type { LoadedScenario } from "../suite/schema.js";
import { findKey } from "../suite/text-match.js";
import { askedSlots, isAsking } from "./slot-cues.js";

/** Does a text contain a known value, however it is written (01.02.1990 for 1990-02-01, 89,90 for 89.90)? */
function mentions(text: string, value: string | number | boolean): boolean {
  return findKey(text, String(value)) !== null;
}

/** The customer side of a conversation: returns the next message, or null when it has nothing left to say. */
export interface Customer {
  next(
    botText: string,
    history: readonly Message[],
    signal: AbortSignal,
  ): Promise<{ text: string; simulated?: boolean } | null>;
}

/** The offline customer: scripted turns in order, and answers from `knows` when the bot asks for them. */
export function scriptedCustomer(scenario: LoadedScenario): Customer {
  const turns = [...scenario.customer.turns];
  const knows = scenario.customer.knows;
  const given = (history: readonly Message[], value: string | number | boolean) =>
    history.some((m) => m.role === "user" && mentions(m.content, value));
  return {
    async next(botText, history) {
      if (isAsking(botText)) {
        const slots = askedSlots(botText, Object.keys(knows)).filter((s) => !given(history, knows[s]!));
        const upcoming = turns[0] ?? "";
        const unanswered = slots.filter((s) => !mentions(upcoming, knows[s]!));
        if (unanswered.length > 0) return { text: unanswered.map((s) => String(knows[s])).join(", ") };
      }
      const text = turns.shift();
      return text === undefined ? null : { text };
    },
  };
}

const STOP = "###STOP###";

/** An LLM-simulated customer (τ-bench style): persona, goal and knowledge; ends with ###STOP###. */
export function simulatedCustomer(
  scenario: LoadedScenario,
  model: Candidate,
  ids: { conversationId: string; sessionId: string },
): Customer {
  const c = scenario.customer;
  const system = [
    "You are role-playing a customer contacting Fjordpay support. Stay in character; write only the customer's next message.",
    `Write in the language with BCP 47 tag "${scenario.language}".`,
    scenario.persona.mood ? `Your mood: ${scenario.persona.mood}.` : "",
    c.goal ? `Your goal: ${c.goal}` : "",
    `Facts you know and may give when asked (never invent others): ${JSON.stringify(c.knows)}.`,
    c.turns.length ? `Things you want to say in the conversation, in order: ${JSON.stringify(c.turns)}.` : "",
    `When your goal is met, you have been handed to a person, or you have nothing more to say, reply with exactly ${STOP}.`,
  ]
    .filter(Boolean)
    .join("\n");
  return {
    async next(_botText, history, signal) {
      // The simulator sees the conversation from the customer's side: roles flipped.
      const flipped: Message[] = history
        .filter((m) => m.role !== "tool")
        .map((m) =>
          m.role === "user"
            ? { role: "assistant", content: m.content, toolCalls: [] }
            : { role: "user", content: m.role === "assistant" ? m.content : "" },
        );
      const turn = await model.respond({
        messages: flipped,
        tools: [],
        system,
        signal,
        context: {
          conversationId: `${ids.conversationId}:customer`,
          sessionId: `${ids.sessionId}:customer`,
          language: scenario.language,
          scenarioId: scenario.id,
          domain: scenario.domain,
        },
      });
      const text = (turn.text ?? "").trim();
      if (!text || text.includes(STOP)) return null;
      return { text, simulated: true };
    },
  };
}
