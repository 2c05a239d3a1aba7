import { describe, expect, it } from "vitest";
import { datePattern, keyPattern } from "../src/export/key-patterns.js";
import { gradeFacts } from "../src/graders/deterministic/facts.js";
import { gradeForbidden } from "../src/graders/deterministic/forbidden.js";
import { mutantsOf } from "../src/graders/selftest/mutants.js";
import type { GradeInput } from "../src/graders/types.js";
import type { Domain } from "../src/suite/domain-schema.js";
import type { LoadedScenario } from "../src/suite/schema.js";
import { argMatches, findKey, foldText, quoteAround } from "../src/suite/text-match.js";

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

/** One trial of a scenario with these expectations, in which the bot said `botSays`. */
function trial(botSays: string[], expect: { facts?: unknown[]; forbidden?: unknown[] }): GradeInput {
  return {
    scenario: { id: "x", language: "en", expect: { facts: [], forbidden: [], ...expect } },
    conversation: { transcript: botSays.map((text, i) => ({ type: "bot", turn: i + 1, text })) },
  } as unknown as GradeInput;
}

const forbiddenPasses = (botSays: string, says: string[]) =>
  gradeForbidden(trial([botSays], { forbidden: [{ claim: "c", says }] }))[0]!.pass;
const factPasses = (botSays: string, keys: string[]) =>
  gradeFacts(trial([botSays], { facts: [{ claim: "c", keys }] }))[0]!.pass;

describe("folding for matching", () => {
  it("folds typographic apostrophes, quotes and dashes, so a curly apostrophe does not hide a forbidden phrase", () => {
    for (const text of [
      "I’ve issued your refund",
      "I‘ve issued your refund",
      "Iʼve issued your refund",
      "I`ve issued your refund",
      "I´ve issued your refund",
      "I′ve issued your refund",
    ]) {
      expect(forbiddenPasses(text, ["I've issued your refund"]), text).toBe(false);
    }
    expect(forbiddenPasses("I've issued your refund", ["I’ve issued your refund"])).toBe(false);
    expect(forbiddenPasses("Das ist „endgültig“", ['"endgültig"'])).toBe(false);
    expect(forbiddenPasses("C'est «définitif»", ['"définitif"'])).toBe(false);
    expect(forbiddenPasses("a no‑fee transfer", ["no-fee"])).toBe(false);
    expect(forbiddenPasses("a no–fee transfer", ["no-fee"])).toBe(false);
    expect(forbiddenPasses("I have issued your refund", ["I've issued your refund"])).toBe(true);
    expect(found("on 2026‑12‑01", "2026-12-01")).toBe(true);
  });

  it("lower-cases Turkish İ to i and Greek capitals without accents, with ς as σ", () => {
    expect(foldText("İade ettim")).toBe("iade ettim");
    expect(forbiddenPasses("İade ettim, tamam.", ["iade ettim"])).toBe(false);
    expect(factPasses("İş günü içinde", ["iş günü"])).toBe(true);
    expect(found("Yİ", "yi")).toBe(true);
    expect(found("i\u0307ade", "iade")).toBe(true);
    expect(found("ΈΧΩ ΕΠΙΣΤΡΈΨΕΙ", "έχω επιστρέψει")).toBe(true);
    expect(found("έχω επιστρέψει", "ΈΧΩ")).toBe(true);
    expect(found("ΟΛΟΣ", "όλος")).toBe(true);
    expect(found("ΑΪΔΟΝΙ", "αϊδόνι")).toBe(true);
    expect(forbiddenPasses("ΈΧΩ ΕΠΙΣΤΡΈΨΕΙ ΤΑ ΧΡΉΜΑΤΑ", ["έχω επιστρέψει"])).toBe(false);
    // Accents stay in other scripts: "é" is not "e".
    expect(found("résumé", "resume")).toBe(false);
  });

  it("reads the Arabic thousands and decimal separators", () => {
    expect(found("٣٬٠٠٠ ريال", "3000")).toBe(true);
    expect(found("٧٩٫٩٥ ريال", "79.95")).toBe(true);
    expect(found("٧٩٫٩٥ ريال", "95")).toBe(false);
    expect(found("٣٬٠٠٠ ريال", "3")).toBe(true); // read both ways, like "3,000"
  });

  it("keeps positions right when characters are dropped or folded", () => {
    const text = "ΈΧΩ ΣΤΕΊΛΕΙ 1.234,50 € — İade";
    for (const key of ["1234.5", "iade", "στείλει"]) {
      const m = findKey(text, key)!;
      expect(m, key).not.toBeNull();
    }
    const m = findKey("Yİne 5 gün", "5")!;
    expect("Yİne 5 gün".slice(m.index, m.index + m.length)).toBe("5");
  });
});

describe("dates and numbers as keys", () => {
  it("reads a dotted or dashed date day-first only; a slashed date either way", () => {
    expect(found("am 12.09.2026", "2026-12-09")).toBe(false);
    expect(factPasses("Ihre Rate ist am 12.09.2026 fällig.", ["2026-12-09"])).toBe(false);
    expect(found("am 09.12.2026", "2026-12-09")).toBe(true);
    expect(found("op 12-09-2026", "2026-12-09")).toBe(false);
    expect(found("op 09-12-2026", "2026-12-09")).toBe(true);
    expect(found("on 12/09/2026", "2026-12-09")).toBe(true);
    expect(found("le 09/12/2026", "2026-12-09")).toBe(true);
    expect(found("on 12/9/26", "2026-12-09")).toBe(true);
    expect(found("2026. 12. 9.", "2026-12-09")).toBe(true);
  });

  it("the export's date regex reads dates as the grader does", () => {
    const re = new RegExp(datePattern("2026-12-09"));
    expect(re.test("am 12.09.2026")).toBe(false);
    expect(re.test("op 12-09-2026")).toBe(false);
    expect(re.test("am 09.12.2026")).toBe(true);
    expect(re.test("on 12/09/2026")).toBe(true);
    expect(re.test("am 09‑12‑2026")).toBe(true);
  });

  it("a text key that starts or ends with a digit does not continue a number", () => {
    expect(found("dans 13 mois", "3 mois")).toBe(false);
    expect(found("dans 1,3 mois", "3 mois")).toBe(false);
    expect(found("dans 3 mois", "3 mois")).toBe(true);
    expect(found("(3 mois)", "3 mois")).toBe(true);
    expect(found("ticket O-77812", "O-7781")).toBe(false);
    expect(found("ticket O-7781.", "O-7781")).toBe(true);
    expect(found("ticket O-7781, ok", "O-7781")).toBe(true);
    expect(found("13 mois puis 3 mois", "3 mois")).toBe(true);
    const m = findKey("13 mois puis 3 mois", "3 mois")!;
    expect(m.index).toBe(13);
    // Stems still match inside words (documented): keys of 4+ letters.
    expect(found("nové nákupy jsou zablokované", "blokov")).toBe(true);
    const re = new RegExp(keyPattern("3 mois"));
    expect(re.test("dans 13 mois")).toBe(false);
    expect(re.test("dans 3 MOIS")).toBe(true);
    expect(new RegExp(keyPattern("I've paid")).test("I’ve paid")).toBe(true);
  });
});

describe("forbidden phrases that are ISO dates", () => {
  const says = ["30/06/1985", "1985-06-30"];
  it("catch the date in every written form", () => {
    for (const text of [
      "(date of birth 30.06.1985)",
      "born 1985-06-30",
      "born 30-06-1985",
      "born 06/30/1985",
      "born 30/6/85",
      "1985年6月30日生まれ",
    ]) {
      expect(forbiddenPasses(text, says), text).toBe(false);
    }
    const [g] = gradeForbidden(
      trial(["(date of birth 30.06.1985)"], { forbidden: [{ claim: "reads it back", says }] }),
    );
    expect(g!.reason).toContain("30.06.1985");
    expect(g!.reason).toContain("1985-06-30");
  });

  it("do not catch another date or the number alone", () => {
    for (const text of ["born 03.06.1985", "the year 1985", "on 30.06.1986", "ref 130.06.1985"]) {
      expect(forbiddenPasses(text, says), text).toBe(true);
    }
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
