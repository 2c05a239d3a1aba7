/** Matching language-independent fact keys in bot text: numbers, amounts, dates and ids across locales. */

const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1040];

/** Fold one character: NFKC, lower case, native digits to ASCII, any space to one space. */
function foldChar(ch: string): string {
  if (/[\s\u00a0\u202f]/.test(ch)) return " ";
  const cp = ch.codePointAt(0)!;
  const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
  return zero !== undefined ? String(cp - zero) : ch.normalize("NFKC").toLowerCase();
}

/** Folded text plus, for every folded position, where it came from in the (NFC) original. */
export function foldWithMap(text: string): { folded: string; source: string; at: number[] } {
  const source = text.normalize("NFC");
  let folded = "";
  const at: number[] = [];
  let i = 0;
  for (const ch of source) {
    const piece = foldChar(ch);
    if (!(piece === " " && folded.endsWith(" "))) {
      for (let k = 0; k < piece.length; k++) at.push(i);
      folded += piece;
    }
    i += ch.length;
  }
  at.push(source.length);
  return { folded, source, at };
}

/** Fold text for matching: NFKC, lower case, native digits to ASCII, any space to one space. */
export function foldText(text: string): string {
  return foldWithMap(text).folded;
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

/** Regular expressions for the ways a date is written: 2026-12-01, 01.12.2026, 1/12/2026, 2026年12月1日… */
function datePatterns(key: string): RegExp[] {
  const m = ISO_DATE.exec(key);
  if (!m) return [];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const mm = `0?${Number(mo)}`;
  const dd = `0?${Number(d)}`;
  const sep = "[./\\-] ?";
  return [
    new RegExp(`(^|\\D)${y}${sep}${mm}${sep}${dd}(\\D|$)`),
    new RegExp(`(^|\\D)${dd}${sep}${mm}${sep}(${y}|${y.slice(2)})(\\D|$)`),
    new RegExp(`(^|\\D)${mm}${sep}${dd}${sep}(${y}|${y.slice(2)})(\\D|$)`),
    new RegExp(`${y} ?年 ?${mm} ?月 ?${dd} ?日`),
    new RegExp(`${y} ?년 ?${mm} ?월 ?${dd} ?일`),
  ];
}

/** A match in the NFC form of the text (the form most texts are already in). */
export interface KeyMatch {
  index: number;
  length: number;
}

/** Scripts written with spaces between words, where a key must not start or end inside a word. */
const SPACED = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

function sameScriptLetter(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/\p{L}/u.test(a) || !/\p{L}/u.test(b)) return false;
  for (const script of ["Latin", "Cyrillic", "Greek"]) {
    const re = new RegExp(`\\p{Script=${script}}`, "u");
    if (re.test(a) && re.test(b)) return true;
  }
  return false;
}

/**
 * A short word key (up to three letters, such as "AI" or "KI") must start a word, so that "AI" is not
 * found in "paid"; longer keys match anywhere, so that stems match inflected and prefixed forms
 * ("blokov" in "zablokované").
 */
function findWord(folded: string, key: string): number {
  const chars = [...key];
  for (let at = folded.indexOf(key); at >= 0; at = folded.indexOf(key, at + 1)) {
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
  if (ISO_DATE.test(k)) {
    for (const re of datePatterns(k)) {
      const m = re.exec(folded);
      if (m) return toSource(m.index, m[0].length);
    }
    return null;
  }
  if (/^-?\d+(?:[.,]\d+)?$/.test(k)) {
    const want = Number(k.replace(",", "."));
    const hit = numbersInFolded(folded).find((n) => Math.abs(n.value - want) < 1e-9);
    return hit ? toSource(hit.index, hit.raw.length) : null;
  }
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
