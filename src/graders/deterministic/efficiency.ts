import type { Grader } from "../types.js";
import { botTurns, grade, toolEvents } from "./shared.js";

/** Turns, tool calls and bot time to resolution: recorded for the report, never decisive. */
export const gradeEfficiency: Grader = ({ conversation }) => {
  const turns = botTurns(conversation.transcript).length;
  const tools = toolEvents(conversation.transcript).length;
  return [
    grade("efficiency", {
      criterion: "efficiency",
      pass: null,
      hard: false,
      score: turns,
      reason: `${turns} bot turn${turns === 1 ? "" : "s"}, ${tools} tool call${tools === 1 ? "" : "s"}, ${conversation.bot_ms} ms of bot time; ended by ${conversation.end_reason}`,
      detail: { bot_turns: turns, tool_calls: tools, bot_ms: conversation.bot_ms, end_reason: conversation.end_reason },
    }),
  ];
};
