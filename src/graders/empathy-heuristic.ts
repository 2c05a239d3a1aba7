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
 * the three EPITOME mechanisms (emotional reaction, interpretation, exploration) and is always
 * labelled a heuristic: it sees words, not whether they fit the customer's situation.
 */

export const MECHANISMS = ["emotional_reaction", "interpretation", "exploration"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

const Phrases = z.array(z.string().trim().min(1)).default([]);
const MechanismCues = z.strictObject({ cues: Phrases, formulaic: Phrases });
const LanguageCues = z.strictObject({
  ignore: Phrases,
  emotional_reaction: MechanismCues,
  interpretation: MechanismCues,
  exploration: MechanismCues,
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

/**
 * Levels to 1–5: breadth (how many mechanisms show at all) counts most, as in EPITOME; one strong
 * mechanism adds a point. No cue: 1; one weak: 2; one strong or two weak: 3; two with one strong or
 * three weak: 4; three with one strong: 5.
 */
export function scoreOfLevels(levels: Record<Mechanism, Level>): number {
  const shown = MECHANISMS.filter((m) => levels[m] > 0).length;
  if (shown === 0) return 1;
  const strong = MECHANISMS.some((m) => levels[m] === 2) ? 1 : 0;
  return Math.min(5, 1 + shown + strong);
}

interface Pattern {
  mechanism: Mechanism | "ignore";
  formulaic: boolean;
  phrase: string;
  re: RegExp;
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

function compile(phrase: string): RegExp {
  const prefix = phrase.endsWith("*");
  const body = escapeRe(normalisePhrase(prefix ? phrase.slice(0, -1) : phrase)).replace(/ /g, "\\s+");
  // Whole words: no letter or digit may touch the phrase, except after a `*` stem.
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}${prefix ? "[\\p{L}\\p{M}]*" : "(?![\\p{L}\\p{N}])"}`, "gu");
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

export interface TurnReading {
  turn: number;
  levels: Record<Mechanism, Level>;
  cues: { mechanism: Mechanism; quote: string; formulaic: boolean }[];
}

/** The patterns for one language (its own list plus `generic`), longest first so that overlaps resolve to the longest. */
export function patternsFor(lexicon: EmpathyLexicon, language: string): { patterns: Pattern[]; used: string } {
  const primary = language.toLowerCase().split("-")[0] ?? language;
  const resolved = lexicon.aliases[primary] ?? primary;
  const own = resolved !== "generic" ? lexicon.languages[resolved] : undefined;
  const lists = [own, lexicon.languages.generic].filter((l) => l !== undefined);
  const patterns: Pattern[] = [];
  for (const l of lists) {
    for (const phrase of l.ignore)
      patterns.push({ mechanism: "ignore", formulaic: false, phrase, re: compile(phrase) });
    for (const m of MECHANISMS) {
      for (const phrase of l[m].cues) patterns.push({ mechanism: m, formulaic: false, phrase, re: compile(phrase) });
      for (const phrase of l[m].formulaic)
        patterns.push({ mechanism: m, formulaic: true, phrase, re: compile(phrase) });
    }
  }
  patterns.sort((a, b) => b.phrase.length - a.phrase.length);
  return { patterns, used: own ? resolved : "generic" };
}

/** Read one bot message: which mechanisms it shows, and how strongly. */
export function readTurn(text: string, turn: number, patterns: readonly Pattern[]): TurnReading {
  const original = text.normalize("NFC");
  const folded = foldCase(original);
  const taken: [number, number][] = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && e > a);
  const cues: TurnReading["cues"] = [];
  const distinct = new Map<Mechanism, { cues: Set<string>; formulaic: number }>();
  for (const p of patterns) {
    p.re.lastIndex = 0;
    for (const m of folded.matchAll(p.re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      taken.push([start, end]);
      if (p.mechanism === "ignore") continue;
      const seen = distinct.get(p.mechanism) ?? { cues: new Set<string>(), formulaic: 0 };
      // The same cue repeated is still one cue: repetition and length earn nothing.
      if (p.formulaic) seen.formulaic++;
      else if (seen.cues.has(p.phrase)) continue;
      else seen.cues.add(p.phrase);
      distinct.set(p.mechanism, seen);
      cues.push({ mechanism: p.mechanism, quote: original.slice(start, end), formulaic: p.formulaic });
    }
  }
  const levels = Object.fromEntries(
    MECHANISMS.map((m) => {
      const seen = distinct.get(m);
      const n = seen?.cues.size ?? 0;
      const level: Level = n >= 2 ? 2 : n === 1 || (seen?.formulaic ?? 0) > 0 ? 1 : 0;
      return [m, level];
    }),
  ) as Record<Mechanism, Level>;
  return { turn, levels, cues };
}

/** Mechanism levels of a whole conversation: the best bot turn per mechanism, so more turns earn nothing. */
export function readConversation(
  transcript: readonly TranscriptEvent[],
  lexicon: EmpathyLexicon,
  language: string,
): { turns: TurnReading[]; levels: Record<Mechanism, Level>; score: number; used: string } {
  const { patterns, used } = patternsFor(lexicon, language);
  const turns = transcript.flatMap((e) =>
    e.type === "bot" && e.text.trim() ? [readTurn(e.text, e.turn, patterns)] : [],
  );
  const levels = Object.fromEntries(
    MECHANISMS.map((m) => [m, Math.max(0, ...turns.map((t) => t.levels[m])) as Level]),
  ) as Record<Mechanism, Level>;
  return { turns, levels, score: scoreOfLevels(levels), used };
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
    const read = readConversation(conversation.transcript, lexicon, scenario.language);
    const evidence: Evidence[] = [];
    for (const m of MECHANISMS) {
      const best = read.turns.find((t) => t.levels[m] === read.levels[m] && read.levels[m] > 0);
      for (const c of best?.cues.filter((c) => c.mechanism === m).slice(0, 2) ?? []) {
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
      reason: `heuristic (cue phrases, not a judge; ${read.used} lexicon): ${summary}`,
      evidence,
      grader: "heuristic:empathy",
      kind: "heuristic",
      version: `empathy-lexicon@${lexicon.version}`,
      detail: {
        heuristic: true,
        lexicon_language: read.used,
        mechanisms: read.levels,
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
