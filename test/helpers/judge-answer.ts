import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";

/**
 * A judge model for the local OpenAI server: it reads the forced submit tool's schema and answers
 * every criterion with level 4, every rubric line met and nothing forbidden.
 */
export function judgeAnswer(body: ChatCompletionCreateParams) {
  const tool = body.tools?.[0];
  const params = (tool && tool.type === "function" ? tool.function.parameters : {}) as {
    properties?: { grades?: { properties?: Record<string, { properties?: Record<string, unknown> }> } };
  };
  const criteria = params.properties?.grades?.properties ?? {};
  const grades = Object.fromEntries(
    Object.entries(criteria).map(([name, schema]) => [
      name,
      schema.properties && "score" in schema.properties
        ? { reason: "solid", score: 4, evidence: [] }
        : { reason: "checked", answer: name.startsWith("forbidden") ? "no" : "yes", evidence: [] },
    ]),
  );
  return { toolCalls: [{ name: "submit_grades", arguments: { grades } }] };
}
