import { describe, expect, it } from "vitest";
import type { TranscriptEvent } from "../src/conversation/schema.js";
import {
  createEmpathyHeuristic,
  depthOf,
  heuristicEmpathy,
  type Level,
  loadEmpathyLexicon,
  MECHANISMS,
  type Mechanism,
  parseEmpathyLexicon,
  readConversation,
  scoreOf,
} from "../src/graders/empathy-heuristic.js";
import { formatProblem, InputError } from "../src/suite/problems.js";
import { bot, customer, gradeInput } from "./helpers/judge-input.js";

const lexicon = loadEmpathyLexicon();
const grade = createEmpathyHeuristic(lexicon);
const score = (text: string, language = "en") => readConversation([bot(1, text)], lexicon, language);
/** One customer message, one bot reply. */
const exchange = (said: string, reply: string, language = "en", tier = 1) =>
  readConversation([customer(0, said), bot(1, reply)], lexicon, language, tier);
const levels = (r: number, i: number, x: number): Record<Mechanism, Level> => ({
  emotional_reaction: r as Level,
  interpretation: i as Level,
  exploration: x as Level,
});

// The calibration set's languages and the suites' other languages.
const CALIBRATION_LANGUAGES = ["en", "de", "fr", "es", "it", "ja", "nl", "pl", "pt", "sv"];
const SUITE_LANGUAGES = [
  ...["da", "nb", "fi", "cs", "sk", "ro", "ru", "uk", "bg", "el", "tr", "hu", "hr", "sl", "lt", "lv", "et", "ca"],
  ...["ar", "he", "hi", "zh", "ko", "th", "vi", "id", "ms", "fil"],
];

describe("the shipped lexicon", () => {
  it("covers the calibration and suite languages, bot and customer side", () => {
    for (const lang of [...CALIBRATION_LANGUAGES, ...SUITE_LANGUAGES]) {
      const l = lexicon.languages[lang];
      expect(l, lang).toBeDefined();
      for (const m of MECHANISMS) expect(l![m].cues.length, `${lang} ${m}`).toBeGreaterThan(3);
      expect(l!.customer.distress.length, `${lang} distress`).toBeGreaterThan(10);
      expect(l!.customer.frustration.length, `${lang} frustration`).toBeGreaterThan(5);
      expect(l!.requests.length, `${lang} requests`).toBeGreaterThan(3);
    }
    expect(lexicon.languages.generic).toBeDefined();
    for (const dense of ["ja", "zh", "th"]) expect(lexicon.languages[dense]!.word_boundaries, dense).toBe(false);
    expect(lexicon.languages.en!.word_boundaries).toBe(true);
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
    ["ja", "申し訳ございません、ご不安なお気持ちはよく分かります。何があったか詳しく教えていただけますか？"],
    ["da", "Det er jeg ked af, jeg forstår, at det er frustrerende. Hvad skete der?"],
    ["nb", "Jeg beklager, jeg forstår at det er frustrerende. Hva skjedde?"],
    ["fi", "Olen pahoillani, ymmärrän että tämä on turhauttavaa. Mitä tapahtui?"],
    ["cs", "Je mi líto, chápu, že je to frustrující. Co se stalo?"],
    ["sk", "Je mi ľúto, chápem, že je to frustrujúce. Čo sa stalo?"],
    ["ro", "Îmi pare rău, înțeleg că este frustrant. Ce s-a întâmplat?"],
    ["ru", "Мне очень жаль, я понимаю, как это неприятно. Что случилось?"],
    ["uk", "Мені дуже шкода, я розумію, як це неприємно. Що сталося?"],
    ["bg", "Много съжалявам, разбирам колко е неприятно. Какво се случи?"],
    ["el", "Λυπάμαι, καταλαβαίνω ότι είναι εκνευριστικό. Τι συνέβη;"],
    ["tr", "Çok üzgünüm, sizi anlıyorum, bu gerçekten sinir bozucu. Ne oldu?"],
    ["hu", "Nagyon sajnálom, megértem, hogy ez bosszantó. Mi történt?"],
    ["hr", "Jako mi je žao, razumijem da je to frustrirajuće. Što se dogodilo?"],
    ["sl", "Zelo mi je žal, razumem, da je to frustrirajoče. Kaj se je zgodilo?"],
    ["lt", "Labai apgailestauju, suprantu, kad tai erzina. Kas nutiko?"],
    ["lv", "Man ļoti žēl, saprotu, ka tas ir nepatīkami. Kas notika?"],
    ["et", "Mul on väga kahju, saan aru, et see on frustreeriv. Mis juhtus?"],
    ["ca", "Ho sento molt, entenc que és frustrant. Què ha passat?"],
    ["ar", "أنا آسف جدًا، أتفهم أن هذا محبط. ماذا حدث؟"],
    ["he", "אני מצטער, אני מבין שזה מתסכל. מה קרה?"],
    ["hi", "मुझे खेद है, मैं समझता हूँ कि यह निराशाजनक है। क्या हुआ?"],
    ["zh", "非常抱歉，我理解这让您很着急。发生了什么？"],
    ["ko", "정말 죄송합니다. 답답하셨을 마음 충분히 이해합니다. 무슨 일이 있으셨나요?"],
    ["th", "ขออภัยจริงๆ ค่ะ เข้าใจว่าคุณกังวล เกิดอะไรขึ้นคะ"],
    ["vi", "Tôi rất tiếc, tôi hiểu điều này thật bực bội. Chuyện gì đã xảy ra?"],
    ["id", "Mohon maaf, saya mengerti ini membuat frustrasi. Apa yang terjadi?"],
    ["ms", "Saya minta maaf, saya faham ini mengecewakan. Apa yang berlaku?"],
    ["fil", "Pasensya na po, naiintindihan ko na nakakainis ito. Ano ang nangyari?"],
  ])("finds all three mechanisms in %s", (language, text) => {
    const read = score(text, language);
    expect(read.used).toBe(language);
    expect(read.levels.emotional_reaction, "reaction").toBeGreaterThan(0);
    expect(read.levels.interpretation, "interpretation").toBeGreaterThan(0);
    expect(read.levels.exploration, "exploration").toBeGreaterThan(0);
    expect(read.score).toBeGreaterThanOrEqual(4);
  });
});

describe("the heuristic", () => {
  it("weighs the same reply against the situation: a plain answer is 3 for a calm customer, 1 for a distressed one", () => {
    const plain = "Your next payment of €40 is due on 5 December.";
    expect(exchange("When is my next payment?", plain).score).toBe(3);
    const grief = exchange("My husband died last week and I'm still being charged.", plain);
    expect(grief).toMatchObject({ need: 2, score: 1 });
    expect(exchange("I still have no refund, again!", plain).need).toBe(1);
    // A sensitive tier-3 case is at least frustrated even when the customer stays calm.
    expect(readConversation([customer(0, "Hello."), bot(1, plain)], lexicon, "en", 3).need).toBe(1);
  });

  it("scores a reply specific on every mechanism 5", () => {
    const strong = exchange(
      "My husband died and his card is still being charged.",
      "I'm so sorry to hear that, my condolences. I understand how stressful this must be. Could you tell me more about what happened, and is anyone else using the card?",
    );
    expect(strong.levels).toEqual({ emotional_reaction: 2, interpretation: 2, exploration: 2 });
    expect(strong.score).toBe(5);
  });

  it("maps levels to 1–5 by need, breadth first, stock phrases at 2 and over-apologising at most 3", () => {
    expect([depthOf(levels(0, 0, 0)), depthOf(levels(1, 0, 0)), depthOf(levels(1, 1, 1))]).toEqual([0, 1, 3]);
    expect([depthOf(levels(2, 0, 0)), depthOf(levels(1, 2, 0)), depthOf(levels(2, 2, 1))]).toEqual([3, 4, 5]);
    const at = (
      l: Record<Mechanism, Level>,
      need: 0 | 1 | 2,
      more: { stockOnly?: boolean; overApology?: boolean } = {},
    ) => scoreOf({ levels: l, need, stockOnly: false, overApology: false, ...more });
    expect([0, 1, 2].map((n) => at(levels(0, 0, 0), n as 0 | 1 | 2))).toEqual([3, 2, 1]);
    expect([0, 1, 2].map((n) => at(levels(1, 0, 0), n as 0 | 1 | 2, { stockOnly: true }))).toEqual([2, 2, 2]);
    expect([0, 1, 2].map((n) => at(levels(0, 2, 0), n as 0 | 1 | 2))).toEqual([3, 4, 3]);
    expect([0, 1, 2].map((n) => at(levels(2, 2, 0), n as 0 | 1 | 2))).toEqual([4, 4, 4]);
    expect([0, 1, 2].map((n) => at(levels(2, 2, 1), n as 0 | 1 | 2))).toEqual([5, 5, 5]);
    expect(at(levels(2, 2, 1), 2, { overApology: true })).toBe(3);
    // More shown never scores lower, at every need.
    for (const need of [0, 1, 2] as const) {
      const chain = [levels(1, 0, 0), levels(1, 1, 0), levels(1, 1, 1), levels(2, 1, 1), levels(2, 2, 2)];
      const scores = chain.map((l) => at(l, need));
      expect(scores, `need ${need}`).toEqual([...scores].sort((a, b) => a - b));
    }
  });

  it("calls a cue specific when its sentence takes up the customer's words, and bare or stock phrases weak", () => {
    const said = "I returned my jacket two weeks ago and I'm stressed, I need the money for my rent.";
    const specific = exchange(said, "I'm sorry, two weeks without the money for your rent is a lot.");
    expect(specific.levels.emotional_reaction).toBe(2);
    expect(specific.turns[0]!.cues.find((c) => c.mechanism === "emotional_reaction")).toMatchObject({ specific: true });
    const generic = exchange(said, "I'm sorry, these things can happen sometimes.");
    expect(generic.levels.emotional_reaction).toBe(1);
    expect(specific.score).toBeGreaterThan(generic.score);
    // "I understand." alone is a set phrase: with nothing else it reads like a stock apology.
    const bare = exchange("My app crashes.", "I understand. I will pass you to the technical team.");
    expect(bare.turns[0]!.cues[0]).toMatchObject({ bare: true, specific: false });
    expect(bare).toMatchObject({ stockOnly: true, score: 2 });
  });

  it("counts a stock apology as weak at most, and ignores stock closing questions", () => {
    const stock = score(
      "Sorry for any inconvenience. Thank you for your patience. Is there anything else I can help with?",
    );
    expect(stock.levels).toEqual({ emotional_reaction: 1, interpretation: 0, exploration: 0 });
    expect(stock).toMatchObject({ stockOnly: true, score: 2 });
  });

  it("takes an open question as weak exploration, but not a request for account data", () => {
    const open = exchange("Where is my refund?", "Do you need the money before a particular date?");
    expect(open.levels.exploration).toBe(1);
    expect(open.turns[0]!.cues[0]).toMatchObject({ question: true });
    const data = exchange("Where is my refund?", "Could you give me your order number and email address?");
    expect(data.levels.exploration).toBe(0);
    // A question that presses the customer is still only weak, whatever words it repeats.
    const press = exchange("I lost my job and can't pay this month.", "Can you pay at least half of this month now?");
    expect(press.levels.exploration).toBe(1);
  });

  it("reads a customer who must repeat an unanswered request as frustrated", () => {
    const transcript: TranscriptEvent[] = [
      customer(0, "I want to speak to a person please."),
      bot(1, "I can help with most things! What is it about?"),
      customer(1, "I said I want to speak to a person."),
      bot(2, "OK."),
    ];
    const read = readConversation(transcript, lexicon, "en");
    expect(read.need).toBe(1);
    expect(read.needQuotes[0]).toMatch(/^repeats: /);
    // Repeating the topic the bot did take up is a conversation, not a complaint.
    const answered = readConversation(
      [
        customer(0, "When is my payment for the sofa due?"),
        bot(1, "Your sofa payment is due on 5 December."),
        customer(1, "Can I pay the sofa payment early?"),
        bot(2, "Yes, in the app, without a fee."),
      ],
      lexicon,
      "en",
    );
    expect(answered.need).toBe(0);
  });

  it.each([
    [
      "ja",
      "夫が病気で働けなくなり、来月の分割払いが難しそうです。",
      "ご主人のご病気、さぞご心配のことと思います。収入が減る中でのお支払いのご不安、よく分かります。今月のお支払いはいつまでが難しそうでしょうか？",
    ],
    [
      "nl",
      "Ik ben mijn baan kwijt en kan de termijn van december niet betalen. Ik weet het niet meer.",
      "Wat naar dat u uw baan kwijt bent, en dat u zich nu ook zorgen maakt over de termijn van december. Dat begrijp ik heel goed. Wat zou u op dit moment het meest helpen: een betaalpauze, of eerst iemand spreken die met u meekijkt?",
    ],
    [
      "pt",
      "Perdi o emprego e não consigo pagar a prestação de dezembro. Estou aflita.",
      "Lamento muito que tenha perdido o emprego, e compreendo a aflição com a prestação de dezembro. Prefere que eu pause já os pagamentos, ou que um colega fale consigo primeiro sobre o que é possível?",
    ],
  ])("scores a warm, specific reply to a distressed customer in %s 4 or 5", (language, said, reply) => {
    const read = exchange(said, reply, language, 3);
    expect(read.need).toBe(2);
    expect(read.levels.interpretation).toBe(2);
    expect(read.levels.exploration).toBeGreaterThan(0);
    expect(read.score).toBeGreaterThanOrEqual(4);
    // The same customer answered with facts alone gets the lowest score.
    expect(exchange(said, "2026-12-05: 40 EUR.", language, 3).score).toBe(1);
  });

  it.each([
    [
      "en",
      "I returned my jacket two weeks ago and still no refund. I'm stressed, I need it for my rent.",
      "I'm sorry, two weeks without your refund is stressful when the rent is due.",
      "I'm so sorry. I'm really sorry. My apologies. We apologise for any inconvenience. I'm sorry, two weeks without your refund is stressful when the rent is due. Once again, I'm so sorry.",
    ],
    [
      "sv",
      "Jag skickade tillbaka skorna för två veckor sedan och har fortfarande inga pengar. Jag behöver dem till hyran.",
      "Jag förstår, två veckor utan pengarna är länge när hyran ska betalas.",
      "Förlåt! Jag beklagar djupt. Förlåt, verkligen förlåt för besväret. Jag förstår, två veckor utan pengarna är länge när hyran ska betalas. Än en gång: förlåt för allt besvär!",
    ],
    [
      "ja",
      "返品したのにまだ返金がありません。家賃の支払いに必要なんです。",
      "家賃のお支払いを控えてご不安なこと、よく分かります。",
      "大変申し訳ございません。心よりお詫び申し上げます。誠に申し訳ございません。家賃のお支払いを控えてご不安なこと、よく分かります。重ねてお詫び申し上げます。",
    ],
  ])("never scores a long, repetitive apology in %s above a short sincere reply", (language, said, short, long) => {
    const brief = exchange(said, short, language);
    const padded = exchange(said, long + " Your order is with our team.".repeat(15), language);
    expect(padded.overApology).toBe(true);
    expect(padded.score).toBeLessThanOrEqual(3);
    expect(padded.score).toBeLessThanOrEqual(brief.score);
  });

  it("does not reward length, repetition or more turns", () => {
    const short = score("I'm sorry, I understand this is stressful.");
    const padded = score(
      `I'm sorry, I understand this is stressful. ${"Your order O-7781 is in our system and we have looked at it. ".repeat(20)}`,
    );
    expect(padded.score).toBe(short.score);
    const repeated = score(`${"I'm sorry. ".repeat(10)}I understand this is stressful.`);
    expect(repeated.score).toBeLessThan(short.score);
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

  it("matches whole words only, with stems where the lexicon asks for them, and inside runs where a script has no spaces", () => {
    expect(score("Leider kann ich das nicht ändern.", "de").levels).toEqual(levels(0, 0, 0));
    expect(score("Tämä on varmasti turhauttavaa.", "fi").levels.interpretation).toBe(1);
    expect(score("I’m sorry about that.").levels.emotional_reaction).toBe(1);
    expect(score("お支払いのことでご不安ですよね。", "ja").levels.interpretation).toBe(1);
  });

  it("falls back to the generic list for languages without their own, and reads aliases", () => {
    expect(readConversation([bot(1, "Sorry! 🙏")], lexicon, "sw").used).toBe("generic");
    expect(score("Pole sana, sorry 🙏💙", "sw").levels.emotional_reaction).toBe(2);
    expect(score("Pole sana.", "sw").levels).toEqual(levels(0, 0, 0));
    expect(score("Jeg beklager.", "no").used).toBe("nb");
    expect(score("Jeg beklager, det er frustrerende.", "no-NO").levels.emotional_reaction).toBe(1);
    expect(score("Pasensya na po, naiintindihan ko.", "tl").used).toBe("fil");
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
    expect(g!.reason).toMatch(/^heuristic \(cue phrases, not a judge; en lexicon\): .*customer distressed/);
    expect(g!.detail).toMatchObject({
      heuristic: true,
      lexicon_language: "en",
      need: "distressed",
      over_apology: false,
    });
    expect(g!.evidence).toContainEqual({ turn: 1, quote: "sorry for your loss" });
    expect(g!.evidence).toContainEqual({ turn: 2, quote: "Could you tell me more" });
    expect(g!.score).toBe(heuristicEmpathy(input)[0]!.score);
    // Reaction and interpretation weak, exploration specific ("still"): depth 5.
    expect(g!.score).toBe(5);
  });

  it("rejects a broken lexicon with positions, and reads one without the optional lists", () => {
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
    const minimal = parseEmpathyLexicon(noGeneric.replace("  en:", "  generic:"), "lex.yaml");
    expect(minimal.languages.generic).toMatchObject({
      word_boundaries: true,
      requests: [],
      stopwords: [],
      customer: { distress: [], frustration: [] },
    });
    const typo = `${noGeneric.replace("  en:", "  generic:")}    customer: { distres: [died] }\n`;
    expect(() => parseEmpathyLexicon(typo, "lex.yaml")).toThrow(InputError);
  });
});
