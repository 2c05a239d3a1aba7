import { describe, expect, it } from "vitest";
import { mutantsOf } from "../src/graders/selftest/mutants.js";
import type { Domain } from "../src/suite/domain-schema.js";
import type { LoadedScenario } from "../src/suite/schema.js";
import { argMatches, findKey, quoteAround } from "../src/suite/text-match.js";

const found = (text: string, key: string) => findKey(text, key) !== null;

describe("fact keys across locales", () => {
  it("matches numbers and amounts however they are written", () => {
    expect(found("within 5 business days", "5")).toBe(true);
    expect(found("within 15 business days", "5")).toBe(false);
    expect(found("Betrag: 89,90 €", "89.90")).toBe(true);
    expect(found("Total 1.234,56 EUR", "1234.56")).toBe(true);
    expect(found("Total 1,234.56 EUR", "1234.56")).toBe(true);
    expect(found("٥ أيام عمل", "5")).toBe(true);
  });

  it("matches ISO dates in the common numeric forms", () => {
    for (const t of ["am 01.12.2026", "le 1/12/2026", "on 2026-12-01", "2026年12月1日", "2026년 12월 1일"]) {
      expect(found(t, "2026-12-01"), t).toBe(true);
    }
    expect(found("am 02.12.2026", "2026-12-01")).toBe(false);
  });

  it("a short word key must start a word; longer keys match stems", () => {
    expect(found("I am an AI assistant", "AI")).toBe(true);
    expect(found("I already paid again", "AI")).toBe(false);
    expect(found("저는 AI입니다", "AI")).toBe(true);
    expect(found("nové nákupy jsou zablokované", "blokov")).toBe(true);
    expect(found("Ihre Erstattung in 5 Werktagen", "Werktage")).toBe(true);
  });

  it("reports positions in the text itself, even where folding changes lengths", () => {
    const text = "ทำรายการภายใน 5 วัน";
    const m = findKey(text, "5")!;
    expect(text.slice(m.index, m.index + m.length)).toBe("5");
    const quote = quoteAround("Ａｍｏｕｎｔ 42 paid", findKey("Ａｍｏｕｎｔ 42 paid", "42")!);
    expect(quote).toContain("42");
  });

  it("compares tool arguments loosely: numbers by value, strings case-insensitively, objects as subsets", () => {
    expect(argMatches({ amount: "89.90" }, { amount: 89.9, order_id: "O-1" })).toBe(true);
    expect(argMatches({ order_id: "o-1" }, { order_id: "O-1" })).toBe(true);
    expect(argMatches({ days: 14 }, { days: 15 })).toBe(false);
  });
});

describe("the fact-removal mutant", () => {
  const domain = {
    tools: [],
    handoffReasons: ["customer_request"],
    verificationTool: "verify_identity",
  } as unknown as Domain;
  const scenario = (say: string, key: string) =>
    ({
      id: "x",
      language: "th",
      reference: [{ say }],
      expect: {
        escalate: false,
        facts: [{ claim: "c", keys: [key] }],
        forbidden: [],
        actions: [],
        never: [],
        state: {},
        may: [],
        rubric: [],
      },
    }) as unknown as LoadedScenario;

  it("removes every occurrence of the key, also after characters that fold to two", () => {
    const m = mutantsOf(scenario("ทำรายการภายใน 5 วัน และอีก 5 วัน", "5"), domain).find(
      (x) => x.mutation === "fact_removed",
    )!;
    const say = (m.reference[0] as { say: string }).say;
    expect(findKey(say, "5")).toBeNull();
    expect(say).toContain("ทำรายการภายใน");
  });
});
