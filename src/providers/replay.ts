import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { InputError, type Problem } from "../suite/problems.js";
import { type Candidate, Handoff, ToolCall } from "./types.js";

/** One recorded conversation (e.g. an exported human-agent chat), one JSON object per line. */
export const RecordedConversation = z.object({
  scenario: z.string().min(1),
  messages: z
    .array(
      z.discriminatedUnion("role", [
        z.object({ role: z.literal("customer"), text: z.string() }),
        z.object({
          role: z.literal("agent"),
          text: z.string().default(""),
          tool_calls: z.array(ToolCall.extend({ id: z.string().optional() })).default([]),
          handoff: Handoff.optional(),
        }),
      ]),
    )
    .min(1),
});
export type RecordedConversation = z.infer<typeof RecordedConversation>;

export interface ReplayCandidate extends Candidate {
  /** The recorded customer side (opening and follow-ups) for a scenario, if recorded. */
  customerTurns(scenarioId: string): { opening: string; turns: string[] } | undefined;
}

/** Read a replay file; every bad line is a positioned problem. */
export function readRecordings(file: string, cwd: string): Map<string, RecordedConversation> {
  const rel = path.relative(cwd, path.resolve(cwd, file)) || file;
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, file), "utf8");
  } catch {
    throw new InputError([
      {
        file: rel,
        line: 1,
        col: 1,
        message: "replay file not found",
        hint: "replay:<file.jsonl> names a JSON-lines file of recorded conversations",
      },
    ]);
  }
  const out = new Map<string, RecordedConversation>();
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ file: rel, line: i + 1, col: 1, message: `not JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = RecordedConversation.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problems.push({
        file: rel,
        line: i + 1,
        col: 1,
        message: `${issue.path.join(".") || "line"}: ${issue.message}`,
        hint: "see docs/providers.md, replay format",
      });
      return;
    }
    out.set(parsed.data.scenario, parsed.data);
  });
  if (problems.length) throw new InputError(problems);
  return out;
}

/** `replay:file.jsonl`: plays recorded agent turns back, making no calls. */
export function createReplayCandidate(file: string, cwd: string, id = `replay:${file}`): ReplayCandidate {
  const recordings = readRecordings(file, cwd);
  return {
    id,
    customerTurns(scenarioId) {
      const rec = recordings.get(scenarioId);
      if (!rec) return undefined;
      const customer = rec.messages.filter((m) => m.role === "customer").map((m) => m.text);
      if (customer.length === 0) return undefined;
      return { opening: customer[0]!, turns: customer.slice(1) };
    },
    async respond(req) {
      const rec = recordings.get(req.context.scenarioId);
      if (!rec) return { text: "", end: true };
      // The n-th customer message is answered by the agent messages that follow it.
      const customerSoFar = req.messages.filter((m) => m.role === "user").length;
      let seen = 0;
      const block: Extract<RecordedConversation["messages"][number], { role: "agent" }>[] = [];
      for (const m of rec.messages) {
        if (m.role === "customer") seen++;
        else if (seen === customerSoFar) block.push(m);
      }
      const answeredInTurn = req.messages
        .slice(req.messages.findLastIndex((m) => m.role === "user") + 1)
        .filter((m) => m.role === "assistant").length;
      const text = block
        .map((m) => m.text)
        .filter(Boolean)
        .join("\n");
      const handoff = block.find((m) => m.handoff)?.handoff;
      if (answeredInTurn > 0) return { text: "" };
      const calls = block.flatMap((m, i) =>
        m.tool_calls.map((c, j) => ({ id: c.id ?? `rec-${i}-${j}`, name: c.name, args: c.args })),
      );
      const later = rec.messages
        .slice(rec.messages.indexOf(block[block.length - 1] ?? rec.messages[0]!) + 1)
        .some((m) => m.role === "customer");
      return {
        text,
        ...(handoff ? { handoff } : {}),
        ...(calls.length ? { toolCalls: calls } : {}),
        ...(!later && !handoff ? { end: true } : {}),
      };
    },
  };
}
