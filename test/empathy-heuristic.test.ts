import { describe, expect, it } from "vitest";
import {
  createEmpathyHeuristic,
  heuristicEmpathy,
  loadEmpathyLexicon,
  MECHANISMS,
  parseEmpathyLexicon,
  readConversation,
  scoreOfLevels,
} from "../src/graders/empathy-heuristic.js";
import { formatProblem, InputError } from "../src/suite/problems.js";
import { bot, customer, gradeInput } from "./helpers/judge-input.js";

const lexicon = loadEmpathyLexicon();
const grade = createEmpathyHeuristic(lexicon);
const score = (text: string, language = "en") => readConversation([bot(1, text)], lexicon, language);

describe("the shipped lexicon", () => {
  it("covers the required languages with cues for all three mechanisms", () => {
    for (const lang of [
      "en",
      "de",
      "fr",
      "es",
      "it",
      "nl",
      "pt",
      "pl",
      "sv",
      "da",
      "nb",
      "fi",
      "cs",
      "ro",
      "ru",
      "el",
      "tr",
      "hu",
    ]) {
      const l = lexicon.languages[lang];
      expect(l, lang).toBeDefined();
      for (const m of MECHANISMS) expect(l![m].cues.length, `${lang} ${m}`).toBeGreaterThan(3);
    }
    expect(lexicon.languages.generic).toBeDefined();
  });

  it.each([
    ["en", "I'm sorry, that sounds really stressful. Could you tell me more?"],
    ["de", "Das tut mir leid, ich verstehe, dass das frustrierend ist. Was ist passiert?"],
    ["fr", "Je suis désolée, je comprends que c'est inquiétant. Que s'est-il passé ?"],
    ["es", "Lo siento, entiendo que es frustrante. ¿Qué ha pasado?"],
    ["it", "Mi dispiace, capisco che è frustrante. Cosa è successo?"],
    ["nl", "Het spijt me, ik begrijp dat dit frustrerend is. Wat is er gebeurd?"],
    ["pt", "Lamento, compreendo que é frustrante. O que aconteceu?"],
    ["pl", "Przykro mi, rozumiem, że to frustrujące. Co się stało?"],
    ["sv", "Jag beklagar, jag förstår att det är frustrerande. Vad hände?"],
    ["da", "Det er jeg ked af, jeg forstår, at det er frustrerende. Hvad skete der?"],
    ["nb", "Jeg beklager, jeg forstår at det er frustrerende. Hva skjedde?"],
    ["fi", "Olen pahoillani, ymmärrän että tämä on turhauttavaa. Mitä tapahtui?"],
    ["cs", "Je mi líto, chápu, že je to frustrující. Co se stalo?"],
    ["ro", "Îmi pare rău, înțeleg că este frustrant. Ce s-a întâmplat?"],
    ["ru", "Мне очень жаль, я понимаю, как это неприятно. Что случилось?"],
    ["el", "Λυπάμαι, καταλαβαίνω ότι είναι εκνευριστικό. Τι συνέβη;"],
    ["tr", "Çok üzgünüm, sizi anlıyorum, bu gerçekten sinir bozucu. Ne oldu?"],
    ["hu", "Nagyon sajnálom, megértem, hogy ez bosszantó. Mi történt?"],
  ])("finds all three mechanisms in %s", (language, text) => {
    const read = score(text, language);
    expect(read.levels.emotional_reaction, "reaction").toBeGreaterThan(0);
    expect(read.levels.interpretation, "interpretation").toBeGreaterThan(0);
    expect(read.levels.exploration, "exploration").toBeGreaterThan(0);
    expect(read.score).toBeGreaterThanOrEqual(4);
  });
});

describe("the heuristic", () => {
  it("scores a plain factual reply 1 and a reply strong on every mechanism 5", () => {
    expect(score("Your refund was issued on 10 November.").score).toBe(1);
    const strong = score(
      "I'm so sorry to hear that, my condolences. I understand how stressful this must be. Could you tell me more about what happened, and is anyone else using the card?",
    );
    expect(strong.levels).toEqual({ emotional_reaction: 2, interpretation: 2, exploration: 2 });
    expect(strong.score).toBe(5);
  });

  it("maps mechanism levels to 1–5, breadth first", () => {
    expect(scoreOfLevels({ emotional_reaction: 0, interpretation: 0, exploration: 0 })).toBe(1);
    expect(scoreOfLevels({ emotional_reaction: 1, interpretation: 0, exploration: 0 })).toBe(2);
    expect(scoreOfLevels({ emotional_reaction: 2, interpretation: 0, exploration: 0 })).toBe(3);
    expect(scoreOfLevels({ emotional_reaction: 1, interpretation: 1, exploration: 0 })).toBe(3);
    expect(scoreOfLevels({ emotional_reaction: 1, interpretation: 2, exploration: 0 })).toBe(4);
    expect(scoreOfLevels({ emotional_reaction: 1, interpretation: 1, exploration: 1 })).toBe(4);
    expect(scoreOfLevels({ emotional_reaction: 1, interpretation: 1, exploration: 2 })).toBe(5);
    expect(scoreOfLevels({ emotional_reaction: 2, interpretation: 2, exploration: 2 })).toBe(5);
  });

  it("scores real replies monotonically in what they show", () => {
    const a = score("I'm sorry.").score;
    const b = score("I'm sorry, I understand.").score;
    const c = score("I'm sorry, I understand. What happened?").score;
    expect([a, b, c]).toEqual([2, 3, 4]);
  });

  it("counts a stock apology as weak at most, and ignores stock closing questions", () => {
    const stock = score(
      "Sorry for any inconvenience. Thank you for your patience. Is there anything else I can help with?",
    );
    expect(stock.levels).toEqual({ emotional_reaction: 1, interpretation: 0, exploration: 0 });
  });

  it("does not reward length or repetition", () => {
    const short = score("I'm sorry, I understand this is stressful.");
    const padded = score(
      `${"I'm sorry. ".repeat(10)}I understand this is stressful. ${"Your order O-7781 is in our system and we have looked at it. ".repeat(20)}I'm sorry.`,
    );
    expect(padded.score).toBe(short.score);
    const manyTurns = readConversation(
      Array.from({ length: 6 }, (_, i) => bot(i + 1, "I'm sorry, I understand this is stressful.")),
      lexicon,
      "en",
    );
    expect(manyTurns.score).toBe(short.score);
  });

  it("reads Romanian cedilla letters and Russian ё like their usual forms", () => {
    expect(score("Înţeleg situaţia.", "ro").levels.interpretation).toBe(1);
    expect(score("Кто-то ещё пользуется вашей картой?", "ru").levels.exploration).toBe(1);
  });

  it("matches whole words only, with stems where the lexicon asks for them", () => {
    expect(score("Leider kann ich das nicht ändern.", "de").score).toBe(1);
    expect(score("Tämä on varmasti turhauttavaa.", "fi").levels.interpretation).toBe(1);
    expect(score("I’m sorry about that.").levels.emotional_reaction).toBe(1);
  });

  it("falls back to the generic list for languages without their own, and reads Norwegian as Bokmål", () => {
    expect(readConversation([bot(1, "Sorry! 🙏")], lexicon, "ja").used).toBe("generic");
    expect(score("Sorry! 🙏", "ja").levels.emotional_reaction).toBe(2);
    expect(score("Jeg beklager.", "no").used).toBe("nb");
    expect(score("Jeg beklager.", "no-NO").levels.emotional_reaction).toBe(1);
  });

  it("returns one grade labelled heuristic, never decisive, with quotes from the bot's own words", () => {
    const input = gradeInput([
      customer(0, "My husband died and the card is still being charged."),
      bot(1, "I’m so sorry for your loss. I can only imagine how hard this is."),
      customer(1, "Thank you."),
      bot(2, "Could you tell me more about the payments you still see?"),
    ]);
    const [g, ...rest] = grade(input);
    expect(rest).toEqual([]);
    expect(g).toMatchObject({
      criterion: "empathy",
      kind: "heuristic",
      grader: "heuristic:empathy",
      pass: null,
      hard: false,
      scale: [1, 5],
      version: `empathy-lexicon@${lexicon.version}`,
    });
    expect(g!.reason).toMatch(/^heuristic/);
    expect(g!.detail).toMatchObject({ heuristic: true, lexicon_language: "en" });
    expect(g!.evidence).toContainEqual({ turn: 1, quote: "sorry for your loss" });
    expect(g!.evidence).toContainEqual({ turn: 2, quote: "Could you tell me more" });
    expect(g!.score).toBe(heuristicEmpathy(input)[0]!.score);
    expect(g!.score).toBe(4);
  });

  it("rejects a broken lexicon with positions", () => {
    const text = 'version: "1"\nlanguages:\n  en:\n    emotional_reaction: { cues: [sorry] }\n';
    try {
      parseEmpathyLexicon(text, "lex.yaml");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      const lines = (err as InputError).problems.map(formatProblem).join("\n");
      expect(lines).toMatch(/lex\.yaml:3:\d+: missing required field `interpretation`/);
    }
    const noGeneric =
      'version: "1"\nlanguages:\n  en:\n    emotional_reaction: { cues: [sorry] }\n    interpretation: {}\n    exploration: {}\n';
    expect(() => parseEmpathyLexicon(noGeneric, "lex.yaml")).toThrow(/lex\.yaml:3:3: languages: .*generic/);
  });
});
