// eld/small: 97.2% exact against eld/large's 97.4% on our replies, at well under half the memory (docs/langid.md).
import { eld } from "eld/small";
import { z } from "zod";

/**
 * Reply-language identification for the deterministic language grader. Built on `eld` (chosen by
 * bench/langid.ts, see docs/langid.md): text is stripped of ids, e-mails, URLs, amounts, acronyms and
 * the proper names the caller passes (compileNameFilter), scripts
 * that belong to one suite language decide alone, and the rest goes to eld's n-gram model.
 */

/** The languages the benchmark's suites are written in (BCP 47 primary subtags). */
export const SUPPORTED_LANGUAGES: readonly string[] =
  "en de fr es it nl pt pl sv da nb fi cs ro hu el tr ru uk ar he hi ja ko zh id vi th ms fil bg hr sk sl lt et lv ca".split(
    " ",
  );

/**
 * Languages accepted as each other, because eld cannot tell them apart reliably in a short reply
 * (measured in bench/langid.ts) and a reader of one reads the other: eld has no Indonesian model
 * at all, and Bokmål, Nynorsk and Danish share most of their written vocabulary.
 */
export const LANGUAGE_GROUPS: readonly (readonly string[])[] = [
  ["id", "ms"],
  ["nb", "nn", "no", "da"],
];

export const LanguageDetection = z.object({
  /** BCP 47 primary subtag, or null when the text is too short to judge. */
  language: z.string().nullable(),
  /** 0–1: relative lead of the winner over the best language outside its group; 1 when the script decides. */
  confidence: z.number().min(0).max(1),
  method: z.enum(["script", "ngram", "too-short"]),
  /** Letters left after stripping ids, amounts, e-mails, URLs (and names, when given). */
  letters: z.number().int(),
  /** Runner-up languages with their scores (0–1), best first, for reports. */
  candidates: z.array(z.object({ language: z.string(), score: z.number() })),
});
export type LanguageDetection = z.infer<typeof LanguageDetection>;

export const LanguageCheck = z.object({
  /** true: in the expected language (or its group); false: in another language; null: not judged. */
  ok: z.boolean().nullable(),
  detected: z.string().nullable(),
  confidence: z.number(),
  reason: z.string(),
});
export type LanguageCheck = z.infer<typeof LanguageCheck>;

/** Tuning of the identifier; the defaults are the ones measured in bench/langid.ts. */
export const LanguageIdOptions = z.object({
  /** Languages the n-gram model may answer (BCP 47); the others are never detected. */
  languages: z.array(z.string()).readonly(),
  /** Fewer letters than this (after stripping) in an alphabetic script: not judged. */
  minLetters: z.number().int().positive(),
  /** Fewer characters than this in a script that decides alone (Hangul, kana, Thai, ...): not judged. */
  minScriptLetters: z.number().int().positive(),
  /** A verdict either way needs the expected language (group) and the best other one this far apart, relatively. */
  minMargin: z.number().min(0).max(1),
  /** The same for Cyrillic text, where eld's scores for ru, uk and bg lie much closer together. */
  minMarginCyrillic: z.number().min(0).max(1),
  /** Below this many letters the margin needed grows in proportion (names weigh more in short texts). */
  shortTextLetters: z.number().int().min(0),
  /** Drop n-gram candidates whose alphabet lacks letters the text uses (see ORTHOGRAPHY_RULES). */
  orthography: z.boolean(),
  /** Let a script that belongs to one suite language decide alone (see languageFromScript). */
  scriptShortcuts: z.boolean(),
});
export type LanguageIdOptions = z.infer<typeof LanguageIdOptions>;

export const DEFAULT_LANGUAGE_ID_OPTIONS: LanguageIdOptions = {
  languages: SUPPORTED_LANGUAGES,
  minLetters: 16,
  minScriptLetters: 3,
  minMargin: 0.04,
  minMarginCyrillic: 0.015,
  shortTextLetters: 30,
  orthography: true,
  scriptShortcuts: true,
};

/** A language identifier with fixed settings; `names` (from compileNameFilter) are stripped before identification. */
export interface LanguageIdentifier {
  detect(text: string, names?: NameFilter): LanguageDetection;
  check(text: string, expectedTag: string, names?: NameFilter): LanguageCheck;
  settings: LanguageIdOptions;
}

/**
 * Proper names a reply may contain that carry no language signal but do carry a misleading one:
 * "Hello! I'm Fjordpay's AI assistant." reads as Norwegian because of the brand, "Hi Ingrid, …" as
 * Catalan because of the name.
 */
export const ProperNames = z.object({
  /** Brand or company names (Fjordpay): matched in any case, with any letters appended (Fjordpay's, Fjordpays, Fjordpayn). */
  brands: z.array(z.string()).readonly().default([]),
  /**
   * People's and businesses' names (Ingrid Hansen, Ingrid, Alpenbike Sport): matched in any case
   * but starting with a capital where the script has capitals, with a possessive ('s, ’s, s).
   */
  names: z.array(z.string()).readonly().default([]),
});
export type ProperNames = z.input<typeof ProperNames>;

/** Compiled proper names (compileNameFilter); make one per set of names and reuse it. */
export interface NameFilter {
  readonly pattern: RegExp | null;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A name as a pattern: its words escaped, any run of spaces between them. */
function namePattern(name: string): string {
  return name.normalize("NFC").trim().split(/\s+/u).map(escapeRegExp).join("\\s+");
}

/** One pattern for all the names, longest first so that "Alpenbike Sport" wins over a shorter name. */
export function compileNameFilter(names: ProperNames): NameFilter {
  const { brands, names: others } = ProperNames.parse(names);
  // Distinct (in any case), with two letters or more, longest first.
  const usable = (list: readonly string[], taken: ReadonlySet<string> = new Set()) => {
    const byKey = new Map<string, string>();
    for (const raw of list) {
      const name = raw.normalize("NFC").trim();
      const key = name.toLowerCase();
      if ((name.match(/\p{L}/gu)?.length ?? 0) >= 2 && !taken.has(key) && !byKey.has(key)) byKey.set(key, name);
    }
    return [...byKey.values()].sort((x, y) => y.length - x.length);
  };
  const b = usable(brands);
  const n = usable(others, new Set(b.map((name) => name.toLowerCase())));
  if (b.length === 0 && n.length === 0) return { pattern: null };
  const parts: string[] = [];
  if (b.length > 0) parts.push(`(?<brand>${b.map(namePattern).join("|")})(?:['’][\\p{L}\\p{M}]{1,4}|[\\p{L}\\p{M}]*)`);
  if (n.length > 0) parts.push(`(?<name>${n.map(namePattern).join("|")})(?:['’][\\p{L}\\p{M}]{0,3}|s)?`);
  return { pattern: new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${parts.join("|")})(?![\\p{L}\\p{M}])`, "giu") };
}

/** A name is written with a capital (or in a script without case); "rose" in French is no Rose. */
function stripName(match: string, ...rest: unknown[]): string {
  const groups = rest[rest.length - 1] as { brand?: string; name?: string };
  if (groups.brand !== undefined) return " ";
  const first = match.charAt(0);
  return first === first.toLowerCase() && first !== first.toUpperCase() ? match : " ";
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"']+/giu;
const EMAIL_PATTERN = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// Currency words and signs next to amounts carry no language signal, and some (kr, lei) would bias it.
const CURRENCY_WORD =
  "(?:EUR|USD|GBP|CHF|PLN|SEK|NOK|DKK|CZK|HUF|RON|BGN|TRY|UAH|RUB|JPY|CNY|KRW|INR|IDR|MYR|PHP|THB|VND|ILS|AED|SAR" +
  "|TL|RM|Rp|R\\$|kr|zł|Kč|Ft|lei|lv|лв|грн|руб)\\.?";
// Signs, including the CJK ones written straight before the next word (8,990円を).
const CURRENCY_SIGN = "[\\p{Sc}元円원]";
const NUMBER = "\\d(?:[\\d.,'’\\u00a0\\u202f]*\\d)?";
const AMOUNT_PATTERN = new RegExp(
  [
    `(?<!\\p{L})${CURRENCY_WORD}\\s?${NUMBER}`,
    `${NUMBER}\\s?${CURRENCY_WORD}(?!\\p{L})`,
    `${CURRENCY_SIGN}\\s?${NUMBER}`,
    `${NUMBER}\\s?${CURRENCY_SIGN}`,
  ].join("|"),
  "gu",
);
// Ids such as O-7781, RMA-2231, #48213 or A1B2C3: ASCII only, so that CJK text glued to an id survives.
const ID_PATTERN = /#?(?:[A-Za-z]{1,6}[-_/#]?)?\d[\w\-/.:]*/g;
// Acronyms in Latin-1 capitals (AI, SMS, PIN, IBAN, FAQ): shared by every language, yet in a short reply
// eld reads "AI" as Romanian or Catalan.
const ACRONYM_PATTERN = /(?<![\p{L}\p{M}\p{N}])[A-Z\u00c0-\u00d6\u00d8-\u00de]{2,5}(?![\p{L}\p{M}\p{N}])/gu;
const STRAY_SYMBOLS = /[\p{Sc}\p{N}_#@/\\|<>[\]{}()*+=~^`]+/gu;

/**
 * Removes URLs, e-mail addresses, amounts, ids, numbers and acronyms, which carry no language signal,
 * and the proper names of `names` (compileNameFilter), whose signal misleads.
 */
export function stripNonLinguistic(text: string, names?: NameFilter): string {
  const unlinked = text.normalize("NFC").replace(URL_PATTERN, " ").replace(EMAIL_PATTERN, " ");
  return (names?.pattern ? unlinked.replace(names.pattern, stripName) : unlinked)
    .replace(AMOUNT_PATTERN, " ")
    .replace(ID_PATTERN, " ")
    .replace(ACRONYM_PATTERN, " ")
    .replace(STRAY_SYMBOLS, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

// ISO 639-3 codes (what franc-style libraries emit) to BCP 47 primary subtags. Individual languages
// of a macrolanguage map to the macrolanguage (arb → ar, zlm → ms, ekk → et, lvs → lv, cmn → zh).
const ISO639_3_TO_BCP47: ReadonlyMap<string, string> = new Map(
  (
    "afr:af amh:am arb:ar ara:ar azj:az aze:az bel:be ben:bn bos:bs bul:bg cat:ca ces:cs cmn:zh zho:zh dan:da " +
    "deu:de ekk:et est:et ell:el eng:en epo:eo eus:eu fin:fi fra:fr gle:ga glg:gl guj:gu hau:ha heb:he hin:hi " +
    "hrv:hr hun:hu hye:hy ind:id isl:is ita:it jav:jv jpn:ja kat:ka kaz:kk khk:mn mon:mn kin:rw kir:ky kor:ko " +
    "lat:la lit:lt lvs:lv lav:lv mar:mr mkd:mk mya:my nld:nl nob:nb nno:nn nor:no npi:ne pes:fa fas:fa prs:fa " +
    "pol:pl por:pt ron:ro rus:ru slk:sk slv:sl som:so spa:es als:sq sqi:sq srp:sr swe:sv swh:sw swa:sw tam:ta " +
    "tat:tt tel:te tgk:tg tgl:fil fil:fil tha:th tuk:tk tur:tr uig:ug ukr:uk urd:ur uzn:uz uzb:uz vie:vi ydd:yi " +
    "yid:yi yor:yo zlm:ms zsm:ms msa:ms zul:zu xho:xh sna:sn cym:cy"
  )
    .split(" ")
    .map((pair) => pair.split(":") as [string, string]),
);
// Two-letter codes that BCP 47 spells otherwise for our purposes: generic Norwegian, Tagalog, old codes.
const ISO639_1_ALIASES: ReadonlyMap<string, string> = new Map([
  ["no", "nb"],
  ["tl", "fil"],
  ["iw", "he"],
  ["in", "id"],
]);

const primarySubtags = new Map<string, string>();

/** Maps a library's language code (ISO 639-1 or 639-3) or a BCP 47 tag to its primary subtag as used by suites. */
export function toPrimarySubtag(code: string): string {
  let out = primarySubtags.get(code);
  if (out === undefined) {
    const primary = code.toLowerCase().split(/[-_]/)[0] ?? "";
    out =
      primary.length === 3 ? (ISO639_3_TO_BCP47.get(primary) ?? primary) : (ISO639_1_ALIASES.get(primary) ?? primary);
    // Codes come from a fixed set (the identifier's and the suites'), so the map stays small.
    if (primarySubtags.size < 10_000) primarySubtags.set(code, out);
  }
  return out;
}

/** The languages a reply may be in to count as written in `tag`: the tag itself plus its group. */
export function acceptedLanguages(tag: string): string[] {
  const primary = toPrimarySubtag(tag);
  const group = LANGUAGE_GROUPS.find((members) => members.includes(primary));
  return group ? [...group] : [primary];
}

// eld speaks ISO 639-1 with "no" for Norwegian and "tl" for Tagalog/Filipino.
const ELD_CODE: ReadonlyMap<string, string> = new Map([
  ["nb", "no"],
  ["nn", "no"],
  ["fil", "tl"],
]);
const ELD_LANGUAGES: ReadonlySet<string> = new Set(Object.values(eld.info().Languages).map(toPrimarySubtag));

/** Every language the n-gram model knows (BCP 47 primary subtags); suites outside it cannot be graded. */
export const IDENTIFIABLE_LANGUAGES: readonly string[] = [...ELD_LANGUAGES];

type Script =
  | "latin"
  | "cyrillic"
  | "greek"
  | "hebrew"
  | "arabic"
  | "devanagari"
  | "thai"
  | "hangul"
  | "kana"
  | "han"
  | "other";

const SCRIPT_PATTERNS: readonly [Script, RegExp][] = [
  ["latin", /\p{Script=Latin}/u],
  ["cyrillic", /\p{Script=Cyrillic}/u],
  ["greek", /\p{Script=Greek}/u],
  ["hebrew", /\p{Script=Hebrew}/u],
  ["arabic", /\p{Script=Arabic}/u],
  ["devanagari", /\p{Script=Devanagari}/u],
  ["thai", /\p{Script=Thai}/u],
  ["hangul", /\p{Script=Hangul}/u],
  ["kana", /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ["han", /\p{Script=Han}/u],
];

const LETTER = /\p{L}/u;

/** Letters per script. ASCII is read by code; other letters by Unicode script, trying the last script found first. */
function scriptCounts(text: string): Map<Script, number> {
  const counts = new Map<Script, number>();
  let latin = 0;
  let last: readonly [Script, RegExp] | undefined;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x80) {
      const lower = code | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) latin++;
      continue;
    }
    if (!LETTER.test(char)) continue;
    if (!last?.[1].test(char)) last = SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(char));
    const script = last?.[0] ?? "other";
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (latin > 0) counts.set("latin", (counts.get("latin") ?? 0) + latin);
  return counts;
}

// Letters with a hook, horn or dot below (ạ ả ấ … ơ ư) are written only in Vietnamese.
const VIETNAMESE_LETTERS = /[\u1ea0-\u1ef9ơưƠƯ]/gu;

/**
 * The language a script decides on its own when it makes up most of the letters. Kana marks
 * Japanese even among Han characters; Han without kana is Chinese; a tenth of Vietnamese-only
 * letters is Vietnamese. Arabic, Cyrillic, Devanagari and the rest of Latin are shared by several
 * languages and go to the n-gram model.
 */
function languageFromScript(text: string, counts: Map<Script, number>, letters: number): string | null {
  const share = (script: Script) => (counts.get(script) ?? 0) / letters;
  if (share("kana") > 0 && share("kana") + share("han") >= 0.5) return "ja";
  if (share("hangul") >= 0.5) return "ko";
  if (share("han") >= 0.5) return "zh";
  if (share("greek") >= 0.5) return "el";
  if (share("hebrew") >= 0.5) return "he";
  if (share("thai") >= 0.5) return "th";
  if ((text.match(VIETNAMESE_LETTERS) ?? []).length / letters >= 0.1) return "vi";
  return null;
}

// Languages whose script alone identifies them (see languageFromScript).
const SCRIPT_LANGUAGES: readonly string[] = ["ja", "ko", "zh", "el", "he", "th", "vi"];

// Scripts that need fewer letters to judge: one of their characters says more than a Latin letter.
const DENSE_SCRIPTS: readonly Script[] = ["han", "kana", "hangul"];

/**
 * Letters that a language's spelling never uses, for ru/uk/bg, which eld confuses on short text
 * (bench/langid.ts): ы/э/ё are Russian, і/є/ї/ґ Ukrainian, and ъ before a consonant is Bulgarian
 * (Russian writes ъ only before е/ё/ю/я, Ukrainian not at all). The same rules for Latin pairs
 * (ř/ů/ě against Slovak, ñ against Portuguese, ...) were measured too and changed nothing: eld's
 * n-grams already see those letters.
 */
const ORTHOGRAPHY_RULES: readonly { language: string; foreign: RegExp }[] = [
  { language: "ru", foreign: /[ієїґ]|ъ(?=[бвгджзйклмнпрстфхцчшщ])/giu },
  { language: "uk", foreign: /[ыэёъ]/giu },
  { language: "bg", foreign: /[ыэёієїґ]/giu },
];

// One foreign letter rules a language out in a short reply; a long one may quote a name.
const foreignLetterLimit = (letters: number): number => Math.max(1, Math.ceil(letters / 50));

function ruledOutByOrthography(text: string, letters: number): Set<string> {
  const limit = foreignLetterLimit(letters);
  return new Set(
    ORTHOGRAPHY_RULES.filter(({ foreign }) => (text.match(foreign) ?? []).length >= limit).map(
      ({ language }) => language,
    ),
  );
}

/** A detection plus every language's score and the lead a verdict needs, which `check` uses. */
interface Analysis {
  detection: LanguageDetection;
  scores: { language: string; score: number }[];
  margin: number;
}

function notJudged(letters: number): LanguageDetection {
  return { language: null, confidence: 0, method: "too-short", letters, candidates: [] };
}

/** An identifier with its own settings; `detectLanguage` and `isReplyInLanguage` use the defaults. */
export function createLanguageIdentifier(options: Partial<LanguageIdOptions> = {}): LanguageIdentifier {
  const settings = LanguageIdOptions.parse({ ...DEFAULT_LANGUAGE_ID_OPTIONS, ...options });
  const model = eld.newInstance();
  const eldCodes = settings.languages.map((tag) => ELD_CODE.get(tag) ?? tag);
  model.setLanguageSubset(eldCodes);

  function requiredMargin(counts: Map<Script, number>, letters: number): number {
    const cyrillic = (counts.get("cyrillic") ?? 0) >= letters / 2;
    const base = cyrillic ? settings.minMarginCyrillic : settings.minMargin;
    return base * Math.max(1, settings.shortTextLetters / letters);
  }

  function analyse(text: string, names?: NameFilter): Analysis {
    const stripped = stripNonLinguistic(text, names);
    const counts = scriptCounts(stripped);
    const letters = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const dense = DENSE_SCRIPTS.reduce((sum, script) => sum + (counts.get(script) ?? 0), 0);
    const tooShort = { detection: notJudged(letters), scores: [], margin: 0 };
    if (letters === 0) return tooShort;
    const byScript = settings.scriptShortcuts ? languageFromScript(stripped, counts, letters) : null;
    if (byScript !== null) {
      // A kana-free run of a few Han characters could still be Japanese: ask for more of them.
      const needed = byScript === "zh" ? settings.minLetters / 2 : settings.minScriptLetters;
      if (letters < needed) return tooShort;
      const candidates = [{ language: byScript, score: 1 }];
      return {
        detection: { language: byScript, confidence: 1, method: "script", letters, candidates },
        scores: candidates,
        margin: 0,
      };
    }
    if (letters + 2 * dense < settings.minLetters) return tooShort;
    const ruledOut = settings.orthography ? ruledOutByOrthography(stripped, letters) : new Set<string>();
    const allScores = Object.entries(model.detect(stripped).getScores()).map(([code, score]) => ({
      language: toPrimarySubtag(code),
      score,
    }));
    const kept = allScores.filter(({ language }) => !ruledOut.has(language));
    const scores = kept.length > 0 ? kept : allScores;
    const best = scores[0];
    if (!best) return tooShort;
    const group = acceptedLanguages(best.language);
    const runnerUp = scores.find((candidate) => !group.includes(candidate.language))?.score ?? 0;
    const confidence = best.score > 0 ? Math.max(0, Math.min(1, (best.score - runnerUp) / best.score)) : 0;
    return {
      detection: { language: best.language, confidence, method: "ngram", letters, candidates: scores.slice(0, 5) },
      scores,
      margin: requiredMargin(counts, letters),
    };
  }

  function detect(text: string, names?: NameFilter): LanguageDetection {
    return analyse(text, names).detection;
  }

  function check(text: string, expectedTag: string, names?: NameFilter): LanguageCheck {
    const expected = toPrimarySubtag(expectedTag);
    const accepted = acceptedLanguages(expected);
    const { detection, scores, margin } = analyse(text, names);
    const detected = detection.language;
    if (detected === null) {
      const what = names?.pattern ? "ids, amounts and names" : "ids and amounts";
      const reason = `too short to judge (${detection.letters} letters after stripping ${what})`;
      return { ok: null, detected, confidence: 0, reason };
    }
    const inExpected = accepted.includes(detected);
    const verdict = (confidence: number): LanguageCheck =>
      inExpected
        ? {
            ok: true,
            detected,
            confidence,
            reason: `written in ${detected}${detected === expected ? "" : ` (accepted as ${expected})`}`,
          }
        : { ok: false, detected, confidence, reason: `written in ${detected}, expected ${expected}` };
    if (detection.method === "script") return verdict(1);
    const identifiable = accepted.some((tag) => ELD_LANGUAGES.has(tag) && settings.languages.includes(tag));
    if (!identifiable && !SCRIPT_LANGUAGES.includes(expected)) {
      const reason = `${expected} is not among the languages the identifier knows; detected ${detected}`;
      return { ok: null, detected, confidence: 0, reason };
    }
    // Either way the verdict needs a clear lead: short texts in related languages score nearly alike.
    const bestIn = Math.max(0, ...scores.filter((c) => accepted.includes(c.language)).map((c) => c.score));
    const bestOut = Math.max(0, ...scores.filter((c) => !accepted.includes(c.language)).map((c) => c.score));
    const top = Math.max(bestIn, bestOut);
    const lead = top > 0 ? Math.abs(bestIn - bestOut) / top : 0;
    if (lead < margin) {
      const rival = inExpected ? (scores.find((c) => !accepted.includes(c.language))?.language ?? "?") : detected;
      const reason = `too close to call between ${expected} and ${rival} (lead ${(100 * lead).toFixed(1)}%)`;
      return { ok: null, detected, confidence: lead, reason };
    }
    return verdict(lead);
  }

  return { detect, check, settings };
}

const defaultIdentifier = createLanguageIdentifier();

/** Identifies the language of one bot reply; `language` is null when the text is too short to judge. */
export function detectLanguage(text: string, names?: NameFilter): LanguageDetection {
  return defaultIdentifier.detect(text, names);
}

/**
 * Checks that a reply is written in the expected BCP 47 language (or one accepted as it); null = not
 * judged. `names`: brand and proper names to strip first (compileNameFilter).
 */
export function isReplyInLanguage(text: string, expectedTag: string, names?: NameFilter): LanguageCheck {
  return defaultIdentifier.check(text, expectedTag, names);
}
