import type { Message, RespondRequest, ToolSpec } from "../../src/providers/types.js";

/** Building blocks the provider tests share: a support conversation, its tools, a request. */

export const LOOKUP_ORDER: ToolSpec = {
  name: "lookup_order",
  description: "Look up an order by its id.",
  parameters: {
    type: "object",
    properties: { order_id: { type: "string" } },
    required: ["order_id"],
    additionalProperties: false,
  },
};

export const ESCALATE: ToolSpec = {
  name: "escalate_to_human",
  description: "Hand the conversation to a human agent.",
  parameters: {
    type: "object",
    properties: { reason: { type: "string" }, summary: { type: "string" } },
    required: ["reason", "summary"],
  },
};

export const TOOLS: ToolSpec[] = [LOOKUP_ORDER, ESCALATE];

export const SYSTEM = "You are FjordPay's support assistant. Follow the refund policy.";

/** A request with sensible defaults; `signal` defaults to one that never aborts. */
export function makeRequest(messages: Message[], extra: Partial<RespondRequest> = {}): RespondRequest {
  return {
    messages,
    tools: TOOLS,
    system: SYSTEM,
    signal: new AbortController().signal,
    context: { conversationId: "conv-1", language: "en", scenarioId: "refund-status", domain: "fjordpay" },
    ...extra,
  };
}

export const user = (content: string): Message => ({ role: "user", content });
export const assistant = (content: string, toolCalls: { id: string; name: string; args: unknown }[] = []): Message => ({
  role: "assistant",
  content,
  toolCalls,
});
export const toolResult = (toolCallId: string, name: string, content: unknown): Message => ({
  role: "tool",
  toolCallId,
  name,
  content: typeof content === "string" ? content : JSON.stringify(content),
});
