/**
 * Fact keys as regular expressions for tools that match with plain `RegExp`s (promptfoo's `regex`
 * assertion): numbers in any locale's separators and ISO dates in the ways people write them, the
 * same readings the facts grader accepts. Text keys stay text (`icontains`).
 */

import { dateSource, FOLDED_CHARS } from "../suite/text-match.js";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;
/** Characters that group thousands: space, no-break spaces, dot, comma, apostrophes. */
const GROUP = "[ .,'’\\u00a0\\u202f]";

/** What the facts grader folds to ', " and - (each a list of characters), from the grader's own lists. */
const APOSTROPHES = `'\`${FOLDED_CHARS.apostrophes}`;
const QUOTES = `"${FOLDED_CHARS.quotes}`;
const DASHES = `-${FOLDED_CHARS.dashes}`;
/** A character class of the characters of a list (only "-" needs escaping in these lists). */
const anyOf = (chars: string) => `[${chars.replace("-", "\\-")}]`;
/** Date separators, with the dashes the facts grader folds to "-". */
const DATE_SEP = anyOf(`./${DASHES}`);

export type KeyKind = "number" | "date" | "text";

/** What kind of key this is, by the facts grader's own rule. */
export function keyKind(key: string): KeyKind {
  const k = key.trim();
  if (ISO_DATE.test(k)) return "date";
  if (NUMBER.test(k)) return "number";
  return "text";
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** "1234" → "1[ .,']?234": thousands may be grouped by any separator or none. */
function groupedInteger(digits: string): string {
  const parts: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) parts.unshift(digits.slice(Math.max(0, end - 3), end));
  return parts.join(`${GROUP}?`);
}

/** A number by value: 42.00 matches "42", "42,00", "42.0"; 1234.5 matches "1.234,50" and "1,234.5". */
export function numberPattern(key: string): string {
  const k = key.trim().replace(",", ".");
  const negative = k.startsWith("-");
  const [intRaw, fracRaw = ""] = (negative ? k.slice(1) : k).split(".");
  const int = String(Number(intRaw));
  const frac = fracRaw.replace(/0+$/, "");
  const fraction = frac ? `[.,]${frac}0*` : "(?:[.,]0+)?";
  // No digit (or decimal part) may continue the number on either side: "5" is not in "25" or "5.5".
  return `(?<![\\d]|\\d[.,])${negative ? "-" : ""}${groupedInteger(int)}${fraction}(?![\\d]|[.,]\\d)`;
}

/**
 * An ISO date as written in Europe, the US, ISO, Japanese and Korean: 2026-12-08, 08.12.2026,
 * 12/8/26, 2026年12月8日. As in the facts grader, month-first only with `/`: 12.08.2026 is 12 August.
 */
export function datePattern(key: string): string {
  const m = ISO_DATE.exec(key.trim());
  if (!m) throw new RangeError(`not an ISO date: ${key}`);
  return dateSource(m[0], DATE_SEP);
}

/**
 * Text matched without regard to case, for a `regex` that mixes text with numbers or dates. As the
 * facts grader folds them: any apostrophe, quote or dash stands for its kind, and a text that starts
 * or ends with a digit does not continue a number there ("3 mois" is not in "13 mois").
 */
export function caselessPattern(text: string): string {
  const trimmed = text.trim();
  let out = "";
  for (const ch of trimmed) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (APOSTROPHES.includes(ch)) out += anyOf(APOSTROPHES);
    else if (QUOTES.includes(ch)) out += anyOf(QUOTES);
    else if (DASHES.includes(ch)) out += anyOf(DASHES);
    else if (lower !== upper && lower.length === 1 && upper.length === 1) out += `[${lower}${upper}]`;
    else if (/\s/.test(ch)) out += "\\s+";
    else out += escapeRegex(ch);
  }
  if (/^\d/.test(trimmed)) out = `(?<!\\d|\\d[.,])${out}`;
  if (/\d$/.test(trimmed)) out = `${out}(?!\\d|[.,]\\d)`;
  return out;
}

/** One key as a regular expression, of whatever kind. */
export function keyPattern(key: string): string {
  const kind = keyKind(key);
  if (kind === "number") return numberPattern(key);
  if (kind === "date") return datePattern(key);
  return caselessPattern(key);
}
