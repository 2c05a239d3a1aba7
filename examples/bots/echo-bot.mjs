// An example bot for `module:` candidates (see docs/providers.md).
//
// supportbench calls the default export (or a named export `respond`) once per bot step with the
// conversation so far, and the bot answers with text or with a turn object:
//   { text?, toolCalls?: [{ id, name, args }], handoff?: { reason, summary }, end?, usage? }
// Tool calls are run by supportbench over the scenario's world; the bot is then called again in the
// same turn with the results appended as `{ role: "tool", toolCallId, name, content }` messages.
//
// This bot echoes the customer, looks up an order number it sees, asks for one when it sees none,
// and hands the conversation to a person when the customer asks for one. It answers in English
// whatever `context.language` says, so non-English scenarios fail their language check.

const ORDER_ID = /\bO-\d{3,}\b/;
const WANTS_A_PERSON = /\b(human|person|real people|agent|someone)\b/i;

/** One bot step: `req` holds messages, tools, system, signal and context (ids, language, scenario, domain). */
export default function respond(req) {
  const { messages, tools } = req;
  const last = messages.at(-1);

  // Called again after a tool call: answer from the tool's result (JSON text) and close.
  if (last?.role === "tool") {
    const result = JSON.parse(last.content);
    if (result.error) return { text: `Sorry, I could not look that up (${result.error}).` };
    return { text: `Order ${result.id} from ${result.merchant}: its status is "${result.status}".`, end: true };
  }

  const said = last?.role === "user" ? last.content : "";
  if (WANTS_A_PERSON.test(said)) {
    return {
      text: "I'm passing you to a colleague now.",
      handoff: { reason: "customer_request", summary: `The customer asked for a person. They wrote: "${said}"` },
    };
  }

  const orderId = ORDER_ID.exec(said)?.[0];
  if (orderId && tools.some((t) => t.name === "lookup_order")) {
    return { toolCalls: [{ id: `echo-${messages.length}`, name: "lookup_order", args: { order_id: orderId } }] };
  }

  // A question naming a slot ("order number") makes the scripted customer answer from `knows`.
  return `You said: "${said}". Could you tell me your order number, please?`;
}
