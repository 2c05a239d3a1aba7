/** Matching language-independent fact keys in bot text: numbers, amounts, dates and ids across locales. */

const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1040];

/**
 * Characters folded before NFKC and lower case: typographic quotes and apostrophes, dashes, the Arabic
 * thousands and decimal separators, the Turkish dotted capital I, and format characters that are
 * dropped ("") so that they cannot hide a phrase.
 */
/** The characters folded to ', " and -, and those dropped; the promptfoo export builds its classes from them. */
export const FOLDED_CHARS = {
  // Apostrophes and single quotes: ’ ‘ ‚ ‛ ʼ ʻ ′ ´ ‹ › (the backtick too, in foldChar's ASCII path)
  apostrophes: "\u2019\u2018\u201a\u201b\u02bc\u02bb\u2032\u00b4\u2039\u203a",
  // Double quotes: “ ” „ ‟ « » ″
  quotes: "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033",
  // Hyphens, dashes and the minus sign: ‐ ‑ ‒ – — ― − ﹘ ﹣ －
  dashes: "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d",
  // Soft hyphen, zero-width space, word joiner
  dropped: "\u00ad\u200b\u2060",
} as const;

const to = (chars: string, folded: string): [number, string][] => [...chars].map((c) => [c.codePointAt(0)!, folded]);
const SPECIAL = new Map<number, string>([
  ...to(FOLDED_CHARS.apostrophes, "'"),
  ...to(FOLDED_CHARS.quotes, '"'),
  ...to(FOLDED_CHARS.dashes, "-"),
  [0x66c, ","], // ٬ Arabic thousands separator
  [0x66b, "."], // ٫ Arabic decimal separator
  [0x130, "i"], // İ: "İ".toLowerCase() is "i" + U+0307
  ...to(FOLDED_CHARS.dropped, ""),
]);

function isGreek(cp: number): boolean {
  return (cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x1f00 && cp <= 0x1fff);
}

function isCombiningMark(cp: number): boolean {
  return cp >= 0x300 && cp <= 0x36f;
}

/** Folded forms of non-ASCII characters, computed once each (folding is on the grading hot path). */
const FOLDED = new Map<number, string>();
const FOLDED_MAX = 8192;

/** Fold one non-ASCII character: the special folds, spaces, native digits, NFKC and lower case, Greek accents. */
function foldNonAscii(ch: string, cp: number): string {
  const cached = FOLDED.get(cp);
  if (cached !== undefined) return cached;
  let out = SPECIAL.get(cp);
  if (out === undefined) {
    if (/\s/.test(ch)) out = " ";
    else {
      const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
      if (zero !== undefined) out = String(cp - zero);
      else {
        out = ch.normalize("NFKC").toLowerCase();
        // Greek: no tonos or dialytika (ΈΧΩ is έχω is εχω), and final ς is σ.
        if (isGreek(cp))
          out = out
            .normalize("NFD")
            .replace(/[\u0300-\u036f]/g, "")
            .replace(/ς/g, "σ");
        // What NFKC produced may itself fold (﹘ is —, which is -).
        let again = "";
        for (const c of out) again += SPECIAL.get(c.codePointAt(0)!) ?? c;
        out = again;
      }
    }
  }
  if (FOLDED.size < FOLDED_MAX) FOLDED.set(cp, out);
  return out;
}

/**
 * Folded text plus, when `map` is given, for every folded position where it came from in the (NFC)
 * original. ASCII is folded inline; other characters through `foldNonAscii`.
 */
function fold(source: string, map: number[] | null): string {
  let folded = "";
  let space = false; // the folded text ends with a space
  let greek = false; // the last base character was Greek (its stray accents are dropped)
  for (let i = 0; i < source.length; ) {
    const cp = source.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    let piece: string;
    if (cp < 0x80) {
      greek = false;
      if (cp >= 0x41 && cp <= 0x5a) piece = String.fromCharCode(cp + 0x20);
      else if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d)) piece = " ";
      else if (cp === 0x60) piece = "'";
      else piece = source[i]!;
    } else if (isCombiningMark(cp) && (greek || (cp === 0x307 && folded.endsWith("i")))) {
      piece = ""; // a Greek accent NFC left alone, or the dot of a decomposed İ
    } else {
      greek = isGreek(cp);
      piece = foldNonAscii(source.slice(i, i + width), cp);
    }
    if (piece === " ") {
      if (!space) {
        map?.push(i);
        folded += " ";
        space = true;
      }
    } else if (piece !== "") {
      if (map) for (let k = 0; k < piece.length; k++) map.push(i);
      folded += piece;
      space = piece.endsWith(" ");
    }
    i += width;
  }
  map?.push(source.length);
  return folded;
}

/** Folded text plus, for every folded position, where it came from in the (NFC) original. */
export function foldWithMap(text: string): { folded: string; source: string; at: number[] } {
  const source = text.normalize("NFC");
  const at: number[] = [];
  const folded = fold(source, at);
  return { folded, source, at };
}

/**
 * Fold text for matching: NFKC, lower case (İ as i; Greek without accents, ς as σ), native digits to
 * ASCII, typographic quotes and dashes to ' " -, Arabic separators ٬ ٫ to , ., any space to one space.
 */
export function foldText(text: string): string {
  return fold(text.normalize("NFC"), null);
}

const NUMBER = /\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?/g;

/** Every reading of every number in a text: "1.234" is 1234 in German and 1.234 in English. */
export function numbersIn(text: string): { value: number; index: number; raw: string }[] {
  return numbersInFolded(foldText(text));
}

function numbersInFolded(folded: string): { value: number; index: number; raw: string }[] {
  const out: { value: number; index: number; raw: string }[] = [];
  for (const m of folded.matchAll(NUMBER)) {
    const raw = m[0];
    const index = m.index ?? 0;
    for (const v of readings(raw)) out.push({ value: v, index, raw });
  }
  return out;
}

function readings(raw: string): number[] {
  const values = new Set<number>();
  const compact = raw.replace(/[ '’]/g, "");
  // Decimal comma: 1.234,56 or 89,90
  const comma = Number(compact.replace(/\./g, "").replace(",", "."));
  if (!Number.isNaN(comma)) values.add(comma);
  // Decimal point: 1,234.56 or 89.90
  const point = Number(compact.replace(/,/g, ""));
  if (!Number.isNaN(point)) values.add(point);
  return [...values];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a key (or a forbidden phrase) is an ISO date, `YYYY-MM-DD`, matched in all its written forms. */
export function isIsoDate(key: string): boolean {
  return ISO_DATE.test(key.trim());
}

const DATE_PATTERNS = new Map<string, RegExp>();

/**
 * The regular expression source of an ISO date (YYYY-MM-DD) in the ways people write it: ISO with
 * any separator of `separators` (a character class), day-first with them, month-first only with
 * `/`, and the Chinese/Japanese and Korean forms; one-digit day and month and a two-digit year
 * accepted, never inside a longer number. Shared by the facts grader and the promptfoo export.
 */
export function dateSource(iso: string, separators: string): string {
  const [y, mo, d] = iso.split("-") as [string, string, string];
  const mm = `0?${Number(mo)}`;
  const dd = `0?${Number(d)}`;
  const sep = `${separators} ?`;
  const slash = "/ ?";
  const year = `(?:${y}|${y.slice(2)})`;
  const forms = [
    `${y}${sep}${mm}${sep}${dd}`,
    `${dd}${sep}${mm}${sep}${year}`,
    `${mm}${slash}${dd}${slash}${year}`,
    `${y} ?年 ?${mm} ?月 ?${dd} ?日`,
    `${y} ?년 ?${mm} ?월 ?${dd} ?일`,
  ];
  return `(?<!\\d)(?:${forms.join("|")})(?!\\d)`;
}

/**
 * One regular expression for the ways a date is written: 2026-12-01, 2026/12/01, 01.12.2026,
 * 01-12-2026, 1/12/26, 12/1/2026, 2026年12月1日, 2026년 12월 1일. Day-first takes `.`, `/` or `-`;
 * month-first only `/` (a dotted or dashed date is day-first: 12.09.2026 is 12 September).
 */
function datePattern(key: string): RegExp | null {
  const cached = DATE_PATTERNS.get(key);
  if (cached) return cached;
  const m = ISO_DATE.exec(key);
  if (!m) return null;
  const re = new RegExp(dateSource(m[0], "[./\\-]"));
  if (DATE_PATTERNS.size < 1024) DATE_PATTERNS.set(key, re);
  return re;
}

/** A match in the NFC form of the text (the form most texts are already in). */
export interface KeyMatch {
  index: number;
  length: number;
}

/** Scripts written with spaces between words, where a key must not start or end inside a word. */
const SPACED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;
const LETTER = /\p{L}/u;
const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

function sameScriptLetter(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !LETTER.test(a) || !LETTER.test(b)) return false;
  return SCRIPTS.some((re) => re.test(a) && re.test(b));
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/** Whether a number continues before `at`: a digit, or a digit and a decimal separator ("13", "1.3"). */
function numberBefore(folded: string, at: number): boolean {
  const a = folded[at - 1];
  return isDigit(a) || ((a === "." || a === ",") && isDigit(folded[at - 2]));
}

/** Whether a number continues from `at`: a digit, or a decimal separator and a digit ("30", "3.5"). */
function numberAfter(folded: string, at: number): boolean {
  const a = folded[at];
  return isDigit(a) || ((a === "." || a === ",") && isDigit(folded[at + 1]));
}

/**
 * A short word key (up to three letters, such as "AI" or "KI") must start a word, so that "AI" is not
 * found in "paid"; longer keys match anywhere, so that stems match inflected and prefixed forms
 * ("blokov" in "zablokované"). A key that starts or ends with a digit must not continue a number
 * there: "3 mois" is not in "13 mois", "O-7781" not in "O-77812".
 */
function findWord(folded: string, key: string): number {
  const chars = [...key];
  const digitFirst = isDigit(key[0]);
  const digitLast = isDigit(key[key.length - 1]);
  for (let at = folded.indexOf(key); at >= 0; at = folded.indexOf(key, at + 1)) {
    if (digitFirst && numberBefore(folded, at)) continue;
    if (digitLast && numberAfter(folded, at + key.length)) continue;
    if (chars.length > 3 || !SPACED.test(chars[0]!)) return at;
    if (!sameScriptLetter(folded[at - 1], chars[0])) return at;
  }
  return -1;
}

/** Where a fact key occurs in a text (in its NFC form), or null. */
export function findKey(text: string, key: string): KeyMatch | null {
  const { folded, at } = foldWithMap(text);
  const toSource = (index: number, length: number): KeyMatch => ({
    index: at[index]!,
    length: at[index + length]! - at[index]!,
  });
  const k = foldText(key.trim());
  const date = datePattern(k);
  if (date) {
    const m = date.exec(folded);
    return m ? toSource(m.index, m[0].length) : null;
  }
  if (/^-?\d+(?:[.,]\d+)?$/.test(k)) {
    const want = Number(k.replace(",", "."));
    const hit = numbersInFolded(folded).find((n) => Math.abs(n.value - want) < 1e-9);
    return hit ? toSource(hit.index, hit.raw.length) : null;
  }
  if (k === "") return null;
  const found = findWord(folded, k);
  return found >= 0 ? toSource(found, k.length) : null;
}

/** A short quote around a match, for evidence. */
export function quoteAround(text: string, match: KeyMatch, radius = 60): string {
  const source = text.normalize("NFC");
  const start = Math.max(0, match.index - radius);
  const end = Math.min(source.length, match.index + match.length + radius);
  return `${start > 0 ? "…" : ""}${source.slice(start, end).trim()}${end < source.length ? "…" : ""}`;
}

/** Loose equality for tool arguments: numbers by value, strings case-insensitively, objects as subsets. */
export function argMatches(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return true;
  if (typeof expected === "object" && !Array.isArray(expected)) {
    if (!actual || typeof actual !== "object") return false;
    return Object.entries(expected as Record<string, unknown>).every(([k, v]) =>
      argMatches(v, (actual as Record<string, unknown>)[k]),
    );
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e) => actual.some((a) => argMatches(e, a)));
  }
  const en = Number(expected);
  const an = Number(actual);
  if (
    typeof expected !== "boolean" &&
    expected !== "" &&
    !Number.isNaN(en) &&
    actual !== "" &&
    actual !== null &&
    !Number.isNaN(an)
  ) {
    return Math.abs(en - an) < 1e-6;
  }
  return (
    String(expected).trim().toLowerCase() ===
    String(actual ?? "")
      .trim()
      .toLowerCase()
  );
}
