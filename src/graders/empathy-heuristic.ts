import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { TranscriptEvent } from "../conversation/schema.js";
import { InputError } from "../suite/problems.js";
import { parseYaml, zodProblems } from "../suite/yaml-source.js";
import type { Evidence, Grade } from "./schema.js";
import type { Grader } from "./types.js";

/**
 * Offline empathy estimate from cue phrases, for runs without a judge. It reads each bot turn for
 * the three EPITOME mechanisms (emotional reaction, interpretation, exploration), calls a cue
 * specific when its sentence takes up words the customer used, and weighs the result against how
 * much the situation calls for (the customer's own words of distress or frustration, and tier 3).
 * It is always labelled a heuristic: it sees words, not whether they fit the customer's situation.
 */

export const MECHANISMS = ["emotional_reaction", "interpretation", "exploration"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

const Phrases = z.array(z.string().trim().min(1)).default([]);
const MechanismCues = z.strictObject({ cues: Phrases, formulaic: Phrases });
const CustomerCues = z.strictObject({ distress: Phrases, frustration: Phrases });
const LanguageCues = z.strictObject({
  // Scripts written without spaces (Japanese, Chinese, Thai) match phrases inside longer runs.
  word_boundaries: z.boolean().default(true),
  ignore: Phrases,
  requests: Phrases,
  // Function words that do not make a bot sentence specific when the customer used them too.
  stopwords: Phrases,
  emotional_reaction: MechanismCues,
  interpretation: MechanismCues,
  exploration: MechanismCues,
  customer: CustomerCues.prefault({}),
});

export const EmpathyLexicon = z.strictObject({
  version: z.string().min(1),
  languages: z.record(z.string(), LanguageCues).refine((l) => "generic" in l, {
    message: "the lexicon needs a `generic` language, the fallback for languages without a list",
  }),
  aliases: z.record(z.string(), z.string()).default({}),
});
export type EmpathyLexicon = z.infer<typeof EmpathyLexicon>;

/** 0 none, 1 weak, 2 strong: EPITOME's three levels per mechanism. */
export type Level = 0 | 1 | 2;

/** How much the situation calls for: 0 calm, 1 frustrated (or a sensitive tier-3 case), 2 distressed. */
export type Need = 0 | 1 | 2;
const NEED_WORD = ["calm", "frustrated", "distressed"] as const;

/**
 * The 1–5 score by need (rows: calm, frustrated, distressed) and by what the bot showed (columns:
 * nothing, stock phrases only, then depth 1–5, see depthOf), after the rubric's anchors: a calm
 * routine contact answered without any cue is a 3 (the labelling guide's convention), stock
 * phrases alone are a 2, one specific mechanism is enough for a calm customer (3) and, for a
 * frustrated one, the acknowledgement they were owed (4); silence towards distress is a 1.
 */
const SCORE_BY_NEED: readonly (readonly number[])[] = [
  [3, 2, 3, 3, 3, 4, 5],
  [2, 2, 2, 3, 4, 4, 5],
  [1, 2, 2, 2, 3, 4, 5],
];

/** This many emotional-reaction phrases in one bot turn, repeats included, is over-apologising (levels 4 and 5 exclude it). */
export const OVER_APOLOGY = 3;
/** A reply that over-apologises scores at most this, however many mechanisms it shows. */
const OVER_APOLOGY_CAP = 3;

/**
 * Depth of the mechanism levels, 0–5: breadth counts most, as in EPITOME, and a specific (strong)
 * mechanism is worth more than any number of weak ones. None: 0; one weak: 1; two weak: 2; three
 * weak: 3; with at least one strong: 2 plus the number of mechanisms shown (3, 4 or 5).
 */
export function depthOf(levels: Record<Mechanism, Level>): number {
  const shown = MECHANISMS.filter((m) => levels[m] > 0).length;
  const strong = MECHANISMS.some((m) => levels[m] === 2);
  return strong ? 2 + shown : shown;
}

/** What the score is read from: the best level per mechanism and what surrounds it. */
export interface ScoreInput {
  levels: Record<Mechanism, Level>;
  need: Need;
  /** Every cue found was a stock phrase or a bare one ("I understand." and nothing else). */
  stockOnly: boolean;
  overApology: boolean;
}

/** Levels, need, stock phrases and over-apologising to 1–5. */
export function scoreOf(r: ScoreInput): number {
  const depth = depthOf(r.levels);
  const column = depth === 0 ? 0 : r.stockOnly ? 1 : depth + 1;
  const score = SCORE_BY_NEED[r.need]?.[column] ?? 1;
  return r.overApology ? Math.min(score, OVER_APOLOGY_CAP) : score;
}

type Role = Mechanism | "ignore" | "request";

/** A phrase ready for matching: lower-cased and folded, its `*` stem mark taken off. */
interface Phrase {
  /** As written in the lexicon. */
  phrase: string;
  text: string;
  /** Its first two characters. */
  head: string;
  stem: boolean;
  wordBoundaries: boolean;
}

interface Pattern extends Phrase {
  role: Role;
  formulaic: boolean;
}

interface NeedPattern extends Phrase {
  need: 1 | 2;
}

/** The compiled cue lists for one language: bot-side patterns, customer-side need patterns. */
export interface LanguagePatterns {
  /** The lexicon language used (`generic` when the language has no list of its own). */
  used: string;
  /** The conversation's primary language subtag, for sentence and word segmentation. */
  language: string;
  patterns: Pattern[];
  needs: NeedPattern[];
  /** The distinct heads of patterns and of needs. */
  heads: string[];
  needHeads: string[];
  stopwords: ReadonlySet<string>;
}

/**
 * One-to-one character folds applied to phrases and text alike: curly apostrophes, Romanian cedilla
 * letters (ş ţ) written for comma letters (ș ț), and Russian ё written as е.
 */
const FOLDED_CHARS = /[\u2018\u2019\u02bc\u015f\u0163\u0451]/;

function foldChars(text: string): string {
  if (!FOLDED_CHARS.test(text)) return text;
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\u015f/g, "\u0219")
    .replace(/\u0163/g, "\u021b")
    .replace(/\u0451/g, "\u0435");
}

function normalisePhrase(p: string): string {
  return foldChars(p.normalize("NFC").toLowerCase());
}

function prepare(phrase: string, wordBoundaries: boolean): Phrase {
  const stem = phrase.endsWith("*");
  const text = normalisePhrase(stem ? phrase.slice(0, -1) : phrase).replace(/\s+/g, " ");
  return { phrase, text, head: text.slice(0, 2), stem, wordBoundaries };
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const STEM_CHAR = /[\p{L}\p{M}]/u;
const SPACE = /\s/u;
// Every \s character is a single UTF-16 unit, so replacing each with a space keeps offsets.
const WHITESPACE = /\s/gu;
/** The code point ending just before index i, and the one starting at it. */
const charBefore = (s: string, i: number) =>
  i <= 0 ? "" : String.fromCodePoint(s.codePointAt(i >= 2 && /[\udc00-\udfff]/.test(s[i - 1]!) ? i - 2 : i - 1)!);
const charAt = (s: string, i: number) => (i < s.length ? String.fromCodePoint(s.codePointAt(i)!) : "");

/**
 * The phrase heads (first two characters) that occur in a folded text: a phrase whose head is not
 * among them cannot occur. A language has some dozens of heads and hundreds of phrases.
 */
function headsIn(folded: string, heads: readonly string[]): Set<string> {
  const present = new Set<string>();
  for (const head of heads) if (folded.includes(head)) present.add(head);
  return present;
}

/** A phrase may occur: its head is present and its text is found somewhere (whole-word checks come later). */
const mayOccur = (p: Phrase, folded: string, heads: ReadonlySet<string>) =>
  heads.has(p.head) && folded.includes(p.text);

/**
 * Every place a phrase occurs in a folded text (whitespace read as single spaces), as [start,
 * end). Whole words only (no letter, mark or digit may touch it) unless the language has no word
 * boundaries; a stem runs on to the end of its word. Plain string search: a language has some
 * hundreds of phrases, and compiling as many regular expressions costs more than the reading.
 */
function* occurrences(folded: string, p: Phrase): Generator<[number, number]> {
  if (p.text.length === 0) return;
  for (let at = folded.indexOf(p.text); at >= 0; at = folded.indexOf(p.text, at + 1)) {
    let end = at + p.text.length;
    if (p.wordBoundaries) {
      if (WORD_CHAR.test(charBefore(folded, at))) continue;
      if (p.stem) while (STEM_CHAR.test(charAt(folded, end))) end += charAt(folded, end).length;
      else if (WORD_CHAR.test(charAt(folded, end))) continue;
    }
    yield [at, end];
  }
}

/**
 * Lower-case, and every whitespace character a space, without changing string length, so that
 * match offsets point into the original text.
 */
function foldCase(text: string): string {
  // Most texts lower-case to the same length; the loop below is for the few characters that do not (İ).
  const lower = text.toLowerCase();
  if (lower.length === text.length) return foldChars(lower.replace(WHITESPACE, " "));
  let out = "";
  for (const ch of text) {
    const lower = SPACE.test(ch) ? " " : ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return foldChars(out);
}

const primaryOf = (tag: string) => tag.toLowerCase().split("-")[0] ?? tag;

const compiled = new WeakMap<EmpathyLexicon, Map<string, LanguagePatterns>>();

/** The patterns for one language (its own list plus `generic`), longest first so that overlaps resolve to the longest. */
export function patternsFor(lexicon: EmpathyLexicon, language: string): LanguagePatterns {
  const primary = primaryOf(language);
  const cache = compiled.get(lexicon) ?? new Map<string, LanguagePatterns>();
  compiled.set(lexicon, cache);
  const hit = cache.get(primary);
  if (hit) return hit;
  const lp = compilePatterns(lexicon, primary);
  cache.set(primary, lp);
  return lp;
}

function compilePatterns(lexicon: EmpathyLexicon, primary: string): LanguagePatterns {
  const resolved = lexicon.aliases[primary] ?? primary;
  const own = resolved !== "generic" ? lexicon.languages[resolved] : undefined;
  const lists = [own, lexicon.languages.generic].filter((l) => l !== undefined);
  const patterns: Pattern[] = [];
  const needs: NeedPattern[] = [];
  const stopwords = new Set<string>();
  for (const l of lists) {
    for (const w of l.stopwords) stopwords.add(normalisePhrase(w));
    const add = (role: Role, formulaic: boolean, phrases: readonly string[]) => {
      for (const phrase of phrases) patterns.push({ role, formulaic, ...prepare(phrase, l.word_boundaries) });
    };
    add("ignore", false, l.ignore);
    add("request", false, l.requests);
    for (const m of MECHANISMS) {
      add(m, false, l[m].cues);
      add(m, true, l[m].formulaic);
    }
    for (const phrase of l.customer.distress) needs.push({ need: 2, ...prepare(phrase, l.word_boundaries) });
    for (const phrase of l.customer.frustration) needs.push({ need: 1, ...prepare(phrase, l.word_boundaries) });
  }
  patterns.sort((a, b) => b.text.length - a.text.length);
  const headsOf = (list: readonly Phrase[]) => [...new Set(list.map((p) => p.head))];
  return {
    patterns,
    needs,
    heads: headsOf(patterns),
    needHeads: headsOf(needs),
    stopwords,
    used: own ? resolved : "generic",
    language: primary,
  };
}

const segmenters = new Map<string, { words: Intl.Segmenter; sentences: Intl.Segmenter }>();

function segmentersFor(language: string) {
  let s = segmenters.get(language);
  if (!s) {
    let locale = language;
    try {
      new Intl.Segmenter(language);
    } catch {
      locale = "en";
    }
    s = {
      words: new Intl.Segmenter(locale, { granularity: "word" }),
      sentences: new Intl.Segmenter(locale, { granularity: "sentence" }),
    };
    segmenters.set(language, s);
  }
  return s;
}

// Scripts written without spaces between words, where two characters already carry meaning.
const DENSE = /[\p{Script=Han}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const ONLY_HIRAGANA = /^[\p{Script=Hiragana}ー]+$/u;
const DIGITS = /^\p{N}+$/u;
// Alphabetic words shorter than this are mostly function words ("the", "und", "pour").
const MIN_WORD = 4;
// Words sharing a start this long share a stem ("frustrated", "frustrating").
const STEM = 5;

// Scripts written without spaces need a dictionary to find words; the others split at anything not a letter.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const LETTERS = /[\p{L}\p{M}\p{N}]+/gu;

/** The words of a text: ICU word segmentation for unspaced scripts, runs of letters and digits otherwise (fast). */
function wordsOf(text: string, language: string): string[] {
  if (!UNSPACED.test(text)) return text.match(LETTERS) ?? [];
  const out: string[] = [];
  for (const s of segmentersFor(language).words.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/**
 * Content words of a text: words of four letters or more that are not stopwords, numbers, and
 * runs of kanji, katakana, hangul or Thai.
 */
export function contentWords(text: string, language: string, stopwords: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const w of wordsOf(foldCase(text.normalize("NFC")), language)) {
    if (stopwords.has(w)) continue;
    if (DIGITS.test(w) ? w.length >= 2 : DENSE.test(w) ? w.length >= 2 : w.length >= MIN_WORD && !ONLY_HIRAGANA.test(w))
      out.push(w);
  }
  return out;
}

/** Same word, or the same stem: one word starts the other, or both start alike for five letters (one inside the other in dense scripts). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (DENSE.test(a) || DENSE.test(b)) {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.length >= 2 && long.includes(short);
  }
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return long.startsWith(short) || (short.length >= STEM && short.slice(0, STEM) === long.slice(0, STEM));
}

/** The first of these words the customer used too, if any. */
const echoOf = (words: readonly string[], customerWords: readonly string[]) =>
  words.find((w) => customerWords.some((c) => sameWord(w, c)));

/** A question mark at the end of a sentence (Greek `;`, Japanese sentence-final か too). */
function isQuestion(sentence: string, language: string): boolean {
  const s = sentence.trim();
  if (/[?？؟\u037e]["»”)]*$/u.test(s)) return true;
  if (language === "el" && /;$/.test(s)) return true;
  return language === "ja" && /か[。]?$/u.test(s);
}

// A question of fewer words is a yes/no formality ("Shall I?", "Vill du det?"), not exploration.
const MIN_QUESTION_WORDS = 4;

export interface Cue {
  mechanism: Mechanism;
  quote: string;
  formulaic: boolean;
  /** The cue's sentence takes up the customer's own words. */
  specific: boolean;
  /** The customer's word it takes up (lower case). */
  echo?: string;
  /** A reaction or interpretation alone in its sentence ("I understand."): a set phrase, weak like a stock one. */
  bare?: boolean;
  /** Found as an open question rather than a listed phrase. */
  question?: boolean;
}

export interface TurnReading {
  turn: number;
  levels: Record<Mechanism, Level>;
  cues: Cue[];
  /** Apology and regret phrases in this turn, repeats included. */
  reactions: number;
}

/** Cues were found and every one was a stock or bare phrase. */
const stockOnly = (cues: readonly Cue[]) => cues.length > 0 && cues.every((c) => c.formulaic || c.bare === true);

/** Read one bot message: which mechanisms it shows, and how strongly. */
export function readTurn(
  text: string,
  turn: number,
  lp: LanguagePatterns,
  customerWords: readonly string[] = [],
): TurnReading {
  const original = text.normalize("NFC");
  const folded = foldCase(original);
  const sentences = [...segmentersFor(lp.language).sentences.segment(original)].map((s) => ({
    start: s.index,
    end: s.index + s.segment.length,
  }));
  const sentenceOf = (at: number) => sentences.findIndex((s) => at >= s.start && at < s.end);
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && e > a);
  const found: { p: Pattern; start: number; end: number; sentence: number }[] = [];
  const present = headsIn(folded, lp.heads);
  for (const p of lp.patterns) {
    if (!mayOccur(p, folded, present)) continue;
    for (const [start, end] of occurrences(folded, p)) {
      if (overlaps(start, end)) continue;
      taken.push([start, end]);
      found.push({ p, start, end, sentence: sentenceOf(start) });
    }
  }
  // Words the cues are made of do not count as taking up the customer's words.
  let blanked = folded;
  for (const [a, b] of taken) blanked = blanked.slice(0, a) + " ".repeat(b - a) + blanked.slice(b);
  const sentenceWords = sentences.map((s) => contentWords(blanked.slice(s.start, s.end), lp.language, lp.stopwords));
  const echoes = sentenceWords.map((w) => echoOf(w, customerWords));
  const cuesIn = (i: number) =>
    found.filter((f) => f.sentence === i && f.p.role !== "ignore" && f.p.role !== "request").length;
  const wordCount = (text: string) => wordsOf(text, lp.language).length;
  // A reaction or interpretation that is its sentence's only cue, with at most one word more
  // ("I understand.", "Sorry to hear that."), is a set phrase. A short question is still a question.
  const isBare = (f: (typeof found)[number]) => {
    const s = sentences[f.sentence];
    if (!s || cuesIn(f.sentence) > 1) return false;
    const rest = blanked.slice(s.start, s.end);
    return wordCount(rest) <= 1;
  };

  const cues: Cue[] = [];
  const distinct = new Map<Mechanism, { cues: Set<string>; specific: boolean }>();
  let reactions = 0;
  for (const f of found.sort((a, b) => a.start - b.start)) {
    const { role, formulaic, phrase } = f.p;
    if (role === "ignore" || role === "request") continue;
    if (role === "emotional_reaction") reactions++;
    const seen = distinct.get(role) ?? { cues: new Set<string>(), specific: false };
    distinct.set(role, seen);
    // The same cue repeated is still one cue: repetition and length earn nothing.
    if (!formulaic && seen.cues.has(phrase)) continue;
    const bare = !formulaic && role !== "exploration" && isBare(f);
    const echo = formulaic || bare ? undefined : echoes[f.sentence];
    if (!formulaic && !bare) seen.cues.add(phrase);
    seen.specific ||= echo !== undefined;
    cues.push({
      mechanism: role,
      quote: original.slice(f.start, f.end),
      formulaic,
      specific: echo !== undefined,
      ...(bare ? { bare } : {}),
      ...(echo ? { echo } : {}),
    });
  }
  if (!distinct.has("exploration")) {
    // An open question that is not a request for account data explores what the customer has not
    // said. Stock phrases do not count towards its length, so a stock closing question is none.
    sentences.forEach((s, i) => {
      const sentence = original.slice(s.start, s.end);
      if (!isQuestion(sentence, lp.language)) return;
      if (found.some((f) => f.sentence === i && f.p.role === "request")) return;
      if (wordCount(blanked.slice(s.start, s.end)) < MIN_QUESTION_WORDS) return;
      // Weak at most: a question that takes up the customer's words may as well press them ("can you pay half now?").
      distinct.set("exploration", distinct.get("exploration") ?? { cues: new Set<string>(), specific: false });
      cues.push({
        mechanism: "exploration",
        quote: sentence.trim(),
        formulaic: false,
        specific: false,
        question: true,
      });
    });
  }
  const levels = Object.fromEntries(
    MECHANISMS.map((m) => {
      const seen = distinct.get(m);
      const level: Level = !seen ? 0 : seen.specific || seen.cues.size >= 2 ? 2 : 1;
      return [m, level];
    }),
  ) as Record<Mechanism, Level>;
  return { turn, levels, cues, reactions };
}

// Addresses and numbers say nothing about what the customer feels or lives through.
const EMAIL = /\S+@\S+/gu;
const HAS_LETTER = /\p{L}/u;
// Words a customer must say again, unanswered, before it reads as having to repeat themselves.
const REPEATED_WORDS = 2;

/** Content words of a customer message, without e-mail addresses. */
function customerWordsOf(text: string, lp: LanguagePatterns): string[] {
  return contentWords(text.replace(EMAIL, " "), lp.language, lp.stopwords);
}

/**
 * How much the customer's own words call for: distress 2, frustration 1, else 0. A tier-3 case
 * is at least 1, and so is a customer who has to say the same thing again: a later message
 * repeating two words of an earlier one that no bot reply took up ("I want to speak to a
 * person." … "I said I want a person.").
 */
export function readNeed(
  transcript: readonly TranscriptEvent[],
  lp: LanguagePatterns,
  tier = 1,
  wordsOfEvent: (e: TranscriptEvent & { text: string }) => string[] = (e) =>
    e.type === "customer" ? customerWordsOf(e.text, lp) : contentWords(e.text, lp.language, lp.stopwords),
): { need: Need; quotes: string[] } {
  let need: Need = tier >= 3 ? 1 : 0;
  const quotes: string[] = [];
  const earlier: string[] = [];
  const botWords: string[] = [];
  const customerTexts: string[] = [];
  for (const e of transcript) {
    if (e.type === "bot") botWords.push(...wordsOfEvent(e));
    if (e.type !== "customer") continue;
    customerTexts.push(e.text);
    const words = wordsOfEvent(e).filter((w) => HAS_LETTER.test(w));
    const repeated = new Set(
      words.filter((w) => earlier.some((x) => sameWord(w, x)) && !botWords.some((b) => sameWord(w, b))),
    );
    if (repeated.size >= REPEATED_WORDS && need < 1) {
      need = 1;
      quotes.push(`repeats: ${[...repeated].join(" ")}`);
    }
    earlier.push(...words);
  }
  for (const text of customerTexts) {
    const original = text.normalize("NFC");
    const folded = foldCase(original);
    const present = headsIn(folded, lp.needHeads);
    for (const p of lp.needs) {
      if (!mayOccur(p, folded, present)) continue;
      const first = occurrences(folded, p).next();
      if (first.done) continue;
      const [start, end] = first.value;
      if (p.need >= need) quotes.push(original.slice(start, end));
      need = Math.max(need, p.need) as Need;
    }
  }
  return { need, quotes: quotes.slice(0, 3) };
}

export interface ConversationReading extends ScoreInput {
  turns: TurnReading[];
  /** Customer words that set the need. */
  needQuotes: string[];
  score: number;
  used: string;
}

/** Mechanism levels of a whole conversation: the best bot turn per mechanism, so more turns earn nothing. */
export function readConversation(
  transcript: readonly TranscriptEvent[],
  lexicon: EmpathyLexicon,
  language: string,
  tier = 1,
): ConversationReading {
  const lp = patternsFor(lexicon, language);
  // Each message's words are read once, for the echo check and for the need.
  const read = new Map<TranscriptEvent, string[]>();
  const wordsOfEvent = (e: TranscriptEvent & { text: string }) => {
    let words = read.get(e);
    if (!words) {
      words = e.type === "customer" ? customerWordsOf(e.text, lp) : contentWords(e.text, lp.language, lp.stopwords);
      read.set(e, words);
    }
    return words;
  };
  const customerWords: string[] = [];
  const turns: TurnReading[] = [];
  for (const e of transcript) {
    if (e.type === "customer") customerWords.push(...wordsOfEvent(e));
    else if (e.type === "bot" && e.text.trim()) turns.push(readTurn(e.text, e.turn, lp, customerWords));
  }
  const levels = Object.fromEntries(
    MECHANISMS.map((m) => [m, Math.max(0, ...turns.map((t) => t.levels[m])) as Level]),
  ) as Record<Mechanism, Level>;
  const { need, quotes } = readNeed(transcript, lp, tier, wordsOfEvent);
  const reading: ScoreInput = {
    levels,
    need,
    stockOnly: stockOnly(turns.flatMap((t) => t.cues)),
    overApology: turns.some((t) => t.reactions >= OVER_APOLOGY),
  };
  return { ...reading, turns, needQuotes: quotes, score: scoreOf(reading), used: lp.used };
}

const LEVEL_WORD = ["none", "weak", "strong"] as const;
const MECHANISM_WORD: Record<Mechanism, string> = {
  emotional_reaction: "emotional reaction",
  interpretation: "interpretation",
  exploration: "exploration",
};

/** The heuristic grader for one lexicon. */
export function createEmpathyHeuristic(lexicon: EmpathyLexicon): Grader {
  return (input) => {
    const { scenario, conversation } = input;
    const read = readConversation(conversation.transcript, lexicon, scenario.language, scenario.tier);
    const evidence: Evidence[] = [];
    for (const m of MECHANISMS) {
      const best = read.turns.find((t) => t.levels[m] === read.levels[m] && read.levels[m] > 0);
      const mine = best?.cues.filter((c) => c.mechanism === m) ?? [];
      // Specific cues first: they are what earned the level.
      for (const c of [...mine.filter((c) => c.specific), ...mine.filter((c) => !c.specific)].slice(0, 2)) {
        evidence.push({ turn: best!.turn, quote: c.quote });
      }
    }
    const summary = MECHANISMS.map((m) => `${MECHANISM_WORD[m]} ${LEVEL_WORD[read.levels[m]]}`).join(", ");
    const grade: Grade = {
      criterion: "empathy",
      score: read.score,
      scale: [1, 5],
      // A cue count cannot decide a trial; the score is recorded for trends only.
      pass: null,
      hard: false,
      reason: `heuristic (cue phrases, not a judge; ${read.used} lexicon): ${summary}; customer ${NEED_WORD[read.need]}${read.overApology ? "; over-apologises (at most 3)" : ""}`,
      evidence,
      grader: "heuristic:empathy",
      kind: "heuristic",
      version: `empathy-lexicon@${lexicon.version}`,
      detail: {
        heuristic: true,
        lexicon_language: read.used,
        mechanisms: read.levels,
        need: NEED_WORD[read.need],
        need_cues: read.needQuotes,
        over_apology: read.overApology,
        bot_turns: read.turns.map((t) => ({ turn: t.turn, ...t.levels })),
      },
    };
    return [grade];
  };
}

const LEXICON_JSON_SCHEMA = z.toJSONSchema(EmpathyLexicon, { io: "input", unrepresentable: "any" }) as Record<
  string,
  unknown
>;

/** Parse a lexicon file's text; problems are thrown as an InputError with positions. */
export function parseEmpathyLexicon(text: string, file: string): EmpathyLexicon {
  const { source, problems } = parseYaml(file, text);
  if (!source) throw new InputError(problems);
  const parsed = EmpathyLexicon.safeParse(source.value);
  if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], LEXICON_JSON_SCHEMA));
  return parsed.data;
}

/** The lexicon shipped with the package: graders/empathy-lexicon.yaml. */
export const DEFAULT_LEXICON_FILE = fileURLToPath(new URL("../../graders/empathy-lexicon.yaml", import.meta.url));

/** Read a lexicon file (the shipped one by default). */
export function loadEmpathyLexicon(file: string = DEFAULT_LEXICON_FILE): EmpathyLexicon {
  return parseEmpathyLexicon(readFileSync(file, "utf8"), file);
}

let defaultGrader: Grader | undefined;

/** The heuristic with the shipped lexicon, read on first use. */
export const heuristicEmpathy: Grader = (input) => {
  defaultGrader ??= createEmpathyHeuristic(loadEmpathyLexicon());
  return defaultGrader(input);
};
