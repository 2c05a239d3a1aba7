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
 * The 1–5 score by need (rows) and depth (columns, see depthOf). A calm routine contact answered
 * without any cue is a 3, as the rubric and the labelling guide say; the same silence towards a
 * distressed customer is a 1. Specific cues lift a reply to 4 and 5 whatever the need.
 */
const SCORE_BY_NEED_AND_DEPTH: readonly (readonly number[])[] = [
  [3, 3, 3, 4, 4, 5],
  [2, 2, 3, 4, 4, 5],
  [1, 2, 2, 3, 4, 5],
];

/** More apology or regret phrases than this in one bot turn is over-apologising (the rubric's level 4 and 5 exclude it). */
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

/** Levels, need and over-apologising to 1–5. */
export function scoreOf(levels: Record<Mechanism, Level>, need: Need = 0, overApology = false): number {
  const score = SCORE_BY_NEED_AND_DEPTH[need]?.[depthOf(levels)] ?? 1;
  return overApology ? Math.min(score, OVER_APOLOGY_CAP) : score;
}

type Role = Mechanism | "ignore" | "request";

interface Pattern {
  role: Role;
  formulaic: boolean;
  phrase: string;
  re: RegExp;
}

interface NeedPattern {
  need: 1 | 2;
  phrase: string;
  re: RegExp;
}

/** The compiled cue lists for one language: bot-side patterns, customer-side need patterns. */
export interface LanguagePatterns {
  /** The lexicon language used (`generic` when the language has no list of its own). */
  used: string;
  /** The conversation's primary language subtag, for sentence and word segmentation. */
  language: string;
  patterns: Pattern[];
  needs: NeedPattern[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * One-to-one character folds applied to phrases and text alike: curly apostrophes, Romanian cedilla
 * letters (ş ţ) written for comma letters (ș ț), and Russian ё written as е.
 */
function foldChars(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\u015f/g, "\u0219")
    .replace(/\u0163/g, "\u021b")
    .replace(/\u0451/g, "\u0435");
}

function normalisePhrase(p: string): string {
  return foldChars(p.normalize("NFC").toLowerCase());
}

function compile(phrase: string, wordBoundaries: boolean): RegExp {
  const prefix = phrase.endsWith("*");
  const body = escapeRe(normalisePhrase(prefix ? phrase.slice(0, -1) : phrase)).replace(/ /g, "\\s+");
  if (!wordBoundaries) return new RegExp(body, "gu");
  // Whole words: no letter, mark or digit may touch the phrase, except after a `*` stem.
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${body}${prefix ? "[\\p{L}\\p{M}]*" : "(?![\\p{L}\\p{M}\\p{N}])"}`, "gu");
}

/** Lower-case without changing string length, so that match offsets point into the original text. */
function foldCase(text: string): string {
  let out = "";
  for (const ch of text) {
    const lower = ch.toLowerCase();
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
  for (const l of lists) {
    const add = (role: Role, formulaic: boolean, phrases: readonly string[]) => {
      for (const phrase of phrases) patterns.push({ role, formulaic, phrase, re: compile(phrase, l.word_boundaries) });
    };
    add("ignore", false, l.ignore);
    add("request", false, l.requests);
    for (const m of MECHANISMS) {
      add(m, false, l[m].cues);
      add(m, true, l[m].formulaic);
    }
    for (const phrase of l.customer.distress) needs.push({ need: 2, phrase, re: compile(phrase, l.word_boundaries) });
    for (const phrase of l.customer.frustration)
      needs.push({ need: 1, phrase, re: compile(phrase, l.word_boundaries) });
  }
  patterns.sort((a, b) => b.phrase.length - a.phrase.length);
  return { patterns, needs, used: own ? resolved : "generic", language: primary };
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
// Alphabetic words shorter than this are mostly function words ("that", "dass", "pour").
const MIN_WORD = 5;

/** Content words of a text: words of five letters or more, numbers, and runs of kanji, katakana, hangul or Thai. */
export function contentWords(text: string, language: string): string[] {
  const out: string[] = [];
  for (const s of segmentersFor(language).words.segment(foldCase(text))) {
    if (!s.isWordLike) continue;
    const w = s.segment;
    if (DIGITS.test(w) ? w.length >= 2 : DENSE.test(w) ? w.length >= 2 : w.length >= MIN_WORD && !ONLY_HIRAGANA.test(w))
      out.push(w);
  }
  return out;
}

/** Same word, or the same stem (a shared start of five letters; a shared run of two characters in dense scripts). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (DENSE.test(a) || DENSE.test(b)) {
    const [short, long] = a.length <= b.length ? [a, b] : [b, a];
    return short.length >= 2 && long.includes(short);
  }
  return a.length >= MIN_WORD && b.length >= MIN_WORD && a.slice(0, MIN_WORD) === b.slice(0, MIN_WORD);
}

const sharesWord = (words: readonly string[], customerWords: readonly string[]) =>
  words.some((w) => customerWords.some((c) => sameWord(w, c)));

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
  for (const p of lp.patterns) {
    p.re.lastIndex = 0;
    for (const m of folded.matchAll(p.re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      taken.push([start, end]);
      found.push({ p, start, end, sentence: sentenceOf(start) });
    }
  }
  // Words the cues are made of do not count as taking up the customer's words.
  let blanked = folded;
  for (const [a, b] of taken) blanked = blanked.slice(0, a) + " ".repeat(b - a) + blanked.slice(b);
  const sentenceWords = sentences.map((s) => contentWords(blanked.slice(s.start, s.end), lp.language));
  const specificSentence = sentenceWords.map((w) => sharesWord(w, customerWords));

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
    const specific = !formulaic && (specificSentence[f.sentence] ?? false);
    if (!formulaic) seen.cues.add(phrase);
    seen.specific ||= specific;
    cues.push({ mechanism: role, quote: original.slice(f.start, f.end), formulaic, specific });
  }
  if (!distinct.has("exploration")) {
    // An open question that is not a request for account data explores what the customer has not said.
    sentences.forEach((s, i) => {
      const sentence = original.slice(s.start, s.end);
      if (!isQuestion(sentence, lp.language)) return;
      if (found.some((f) => f.sentence === i && (f.p.role === "request" || f.p.role === "ignore"))) return;
      const words = [...segmentersFor(lp.language).words.segment(sentence)].filter((w) => w.isWordLike).length;
      if (words < MIN_QUESTION_WORDS) return;
      const specific = specificSentence[i] ?? false;
      const seen = distinct.get("exploration") ?? { cues: new Set<string>(), specific: false };
      seen.specific ||= specific;
      distinct.set("exploration", seen);
      cues.push({ mechanism: "exploration", quote: sentence.trim(), formulaic: false, specific, question: true });
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

/** How much the customer's own words call for: distress 2, frustration 1, else 0; a tier-3 case is at least 1. */
export function readNeed(
  customerTexts: readonly string[],
  lp: LanguagePatterns,
  tier = 1,
): { need: Need; quotes: string[] } {
  let need: Need = tier >= 3 ? 1 : 0;
  const quotes: string[] = [];
  for (const text of customerTexts) {
    const original = text.normalize("NFC");
    const folded = foldCase(original);
    for (const p of lp.needs) {
      p.re.lastIndex = 0;
      const m = p.re.exec(folded);
      if (!m) continue;
      if (p.need >= need) quotes.push(original.slice(m.index, m.index + m[0].length));
      need = Math.max(need, p.need) as Need;
    }
  }
  return { need, quotes: quotes.slice(0, 3) };
}

export interface ConversationReading {
  turns: TurnReading[];
  levels: Record<Mechanism, Level>;
  need: Need;
  needQuotes: string[];
  overApology: boolean;
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
  const customerTexts: string[] = [];
  const customerWords: string[] = [];
  const turns: TurnReading[] = [];
  for (const e of transcript) {
    if (e.type === "customer") {
      customerTexts.push(e.text);
      customerWords.push(...contentWords(e.text, lp.language));
    } else if (e.type === "bot" && e.text.trim()) turns.push(readTurn(e.text, e.turn, lp, customerWords));
  }
  const levels = Object.fromEntries(
    MECHANISMS.map((m) => [m, Math.max(0, ...turns.map((t) => t.levels[m])) as Level]),
  ) as Record<Mechanism, Level>;
  const { need, quotes } = readNeed(customerTexts, lp, tier);
  const overApology = turns.some((t) => t.reactions >= OVER_APOLOGY);
  return {
    turns,
    levels,
    need,
    needQuotes: quotes,
    overApology,
    score: scoreOf(levels, need, overApology),
    used: lp.used,
  };
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
