import { beforeAll, describe, expect, it } from "vitest";
import type { WorldData } from "../src/conversation/world.js";
import { brandNames, gradeLanguage, prepareLanguageGrader, worldNames } from "../src/graders/deterministic/language.js";
import { compileNameFilter, isReplyInLanguage, stripNonLinguistic } from "../src/graders/language-id.js";
import { bot, conversation, domain, scenario } from "./helpers/judge-input.js";

const WORLD: WorldData = {
  customers: [
    { id: "C-6101", name: "Ingrid Hansen" },
    { id: "C-1046", name: "Daan de Vries" },
  ],
  orders: [
    { id: "O-1", customer: "C-6101", merchant: "Alpenbike Sport" },
    { id: "O-2", customer: "C-1046", merchant: "La Boutique Verte" },
  ],
};

const FJORDPAY = { name: "fjordpay", title: "Fjordpay customer support" };

function languageGrade(text: string, language: string, world: WorldData = WORLD) {
  const [g] = gradeLanguage({
    scenario: scenario({ language, persona: { name: "Ingrid Hansen" } }),
    domain: domain(FJORDPAY),
    conversation: conversation([bot(1, text)]),
    initialWorld: world,
    finalWorld: world,
    referenceWorld: null,
  });
  if (!g) throw new Error("no language grade");
  return g;
}

beforeAll(async () => {
  await prepareLanguageGrader();
});

describe("language grade: brand and names are not language", () => {
  it.each([
    ["Hello! I'm Fjordpay's AI assistant.", "en"],
    ["Hi Ingrid, I'm Fjordpay's AI assistant.", "en"],
    ["Sveiki! Esmu Fjordpay AI asistents.", "lv"],
    ["Tere! Olen Fjordpay AI-assistent.", "et"],
    ["Halo! Saya asisten AI Fjordpay.", "id"],
  ])("does not fail the correct short turn %j (%s)", (text, language) => {
    const g = languageGrade(text, language);
    expect(g.pass, g.reason).not.toBe(false);
  });

  it("still fails a reply in another language once the names are gone", () => {
    const g = languageGrade(
      "Hei Ingrid! Jeg er Fjordpays AI-assistent, og jeg hjelper deg gjerne med bestillingen fra Alpenbike Sport.",
      "en",
    );
    expect(g.pass).toBe(false);
    expect(g.reason).toMatch(/written in nb, expected en/);
  });

  it("still passes a longer reply in the right language", () => {
    const g = languageGrade(
      "Hello Ingrid! I'm Fjordpay's AI assistant. I can see your order from Alpenbike Sport and will check the refund.",
      "en",
    );
    expect(g.pass).toBe(true);
  });

  it("strips the brand in any case with suffixes, people's names and their parts, merchants whole", () => {
    const names = compileNameFilter({ brands: brandNames(FJORDPAY), names: worldNames(WORLD, "Ingrid Hansen") });
    const strip = (text: string) => stripNonLinguistic(text, names);
    expect(strip("FJORDPAY, Fjordpay’s, fjordpays, Fjordpayn, Fjordpay'in")).toBe(", , , ,");
    expect(strip("Ingrid's plan, Hansens konto, Daan, Vries")).toBe("plan, konto, ,");
    expect(strip("Alpenbike Sport and La Boutique Verte")).toBe("and");
    // Only capitalised names, only whole names of merchants, no lower-case particles of people's names.
    expect(strip("la boutique de la ville, ingrid")).toBe("la boutique de la ville, ingrid");
    expect(strip("Sport La")).toBe("Sport La");
  });

  it("strips acronyms in Latin capitals, not capitalised words or other scripts", () => {
    expect(stripNonLinguistic("Ask our AI-assistant about SMS codes, PIN and IBAN.")).toBe(
      "Ask our -assistant about codes, and .",
    );
    expect(stripNonLinguistic("Hello Anna, OK? ΑΦΜ СМС")).toBe("Hello Anna, ? ΑΦΜ СМС");
  });

  it("takes the brand from the domain's name and the title's leading capitalised words", () => {
    expect(brandNames(FJORDPAY)).toEqual(["fjordpay", "Fjordpay"]);
    expect(brandNames({ name: "acme_bank", title: "Acme Bank – customer care" })).toEqual(["acme bank", "Acme Bank"]);
  });

  it("says names were stripped when a turn is too short", () => {
    const names = compileNameFilter({ brands: ["Fjordpay"], names: ["Ingrid Hansen", "Ingrid"] });
    expect(isReplyInLanguage("Hi Ingrid, I'm Fjordpay's AI assistant.", "en", names)).toMatchObject({
      ok: null,
      reason: expect.stringMatching(/after stripping ids, amounts and names/),
    });
  });
});
