import { describe, expect, it } from "vitest";
import type { TranscriptEvent } from "../src/conversation/schema.js";
import { gradeEscalation, summaryProblem } from "../src/graders/deterministic/escalation.js";
import { bot, conversation, domain, scenario } from "./helpers/judge-input.js";

function summaryGrade(summary: string) {
  const handoff: TranscriptEvent = { type: "handoff", turn: 2, reason: "fraud", summary, detected_by: "tool" };
  const grades = gradeEscalation({
    scenario: scenario({ expect: { escalate: true } }),
    domain: domain(),
    conversation: conversation([bot(1, "I am passing you to a colleague."), handoff]),
    initialWorld: {},
    finalWorld: {},
    referenceWorld: null,
  });
  const g = grades.find((x) => x.criterion === "handoff_summary");
  if (!g) throw new Error("no handoff_summary grade");
  return g;
}

describe("handoff_summary", () => {
  it.each([
    ["dots", "...................."],
    ["digits and punctuation", "12345 67890 / 2026-11-20 #48213"],
    ["an empty summary", ""],
    ["a short summary", "fraud case"],
  ])("fails %s", (_label, summary) => {
    const g = summaryGrade(summary);
    expect(g.pass).toBe(false);
    expect(g.hard).toBe(true);
  });

  it.each([
    ["English", "Customer C-1042 reports an unknown charge of 62.25 EUR; card not frozen yet."],
    ["Japanese", "顧客C-1042が身に覚えのない請求を報告。カードはまだ凍結していません。"],
    ["Arabic", "العميل يبلغ عن عملية دفع غير معروفة بقيمة ٦٢٫٢٥ يورو."],
  ])("passes a usable summary in %s", (_label, summary) => {
    expect(summaryGrade(summary).pass).toBe(true);
  });

  it("says why a summary is unusable", () => {
    expect(summaryProblem("....................")).toMatch(/no words .*0 letters in 20 characters/);
    expect(summaryProblem("  ")).toBe("the hand-off has no summary");
    expect(summaryProblem("Customer wants a person.")).toBeNull();
  });
});
