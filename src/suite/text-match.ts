/** Matching language-independent fact keys in bot text: numbers, amounts, dates and ids across locales. */

const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1040];

/** Fold text for matching: NFKC, lower case, native digits to ASCII, any space to one space. */
export function foldText(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC")) {
    const cp = ch.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9);
    out += zero !== undefined ? String(cp - zero) : ch;
  }
  return out.toLowerCase().replace(/[\s\u00a0\u202f]+/g, " ");
}

const NUMBER = /\d{1,3}(?:[ .,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?/g;

/** Every reading of every number in a text: "1.234" is 1234 in German and 1.234 in English. */
export function numbersIn(text: string): { value: number; index: number; raw: string }[] {
  const out: { value: number; index: number; raw: string }[] = [];
  for (const m of foldText(text).matchAll(NUMBER)) {
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

export interface KeyMatch {
  index: number;
  length: number;
}

/** Where a fact key occurs in a text, or null. */
export function findKey(text: string, key: string): KeyMatch | null {
  const folded = foldText(text);
  const k = foldText(key.trim());
  if (ISO_DATE.test(k)) {
    for (const re of datePatterns(k)) {
      const m = re.exec(folded);
      if (m) return { index: m.index, length: m[0].length };
    }
    return null;
  }
  if (/^-?\d+(?:[.,]\d+)?$/.test(k)) {
    const want = Number(k.replace(",", "."));
    const hit = numbersIn(text).find((n) => Math.abs(n.value - want) < 1e-9);
    return hit ? { index: hit.index, length: hit.raw.length } : null;
  }
  const at = folded.indexOf(k);
  return at >= 0 ? { index: at, length: k.length } : null;
}

/** A short quote around a match, for evidence. */
export function quoteAround(text: string, match: KeyMatch, radius = 60): string {
  const folded = foldText(text);
  const start = Math.max(0, match.index - radius);
  const end = Math.min(folded.length, match.index + match.length + radius);
  // Quote the original text where folding kept lengths, else the folded one.
  const source = folded.length === text.length ? text : folded;
  return `${start > 0 ? "…" : ""}${source.slice(start, end).trim()}${end < folded.length ? "…" : ""}`;
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
