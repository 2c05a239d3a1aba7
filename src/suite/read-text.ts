import { readFileSync } from "node:fs";
import { InputError, type Problem } from "./problems.js";

/**
 * Input files (suites, domain packs, the config, gate and scope policies) are UTF-8. A file saved in
 * another encoding is an input problem that says so, never text with damaged characters.
 */

const HINT = "re-save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)";

// `ignoreBOM: true` keeps a UTF-8 byte-order mark in the text, as readFileSync(…, "utf8") did; the
// YAML reader drops it, and suite hashes stay what they were.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode bytes as UTF-8; anything else comes back as a positioned problem naming the likely encoding. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { problem: Problem } {
  const utf16 = utf16Order(bytes);
  if (utf16) {
    return {
      problem: { file, line: 1, col: 1, message: `the file is not UTF-8 (it looks like UTF-16 ${utf16})`, hint: HINT },
    };
  }
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const at = Math.max(0, firstInvalidByte(bytes));
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    const line = countNewlines(bytes, lineStart) + 1;
    const col = new TextDecoder("utf-8").decode(bytes.subarray(lineStart, at)).length + 1;
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    const binary = bytes.subarray(0, 4096).includes(0);
    const guess = binary ? "it looks like a binary file" : "it looks like Latin-1 / Windows-1252";
    return {
      problem: {
        file,
        line,
        col,
        message: `the file is not UTF-8: byte 0x${hex} is not valid UTF-8 (${guess})`,
        hint: HINT,
      },
    };
  }
}

/** Read a file as UTF-8: its text, or the problem that says why it cannot be read as text. */
export function readUtf8(abs: string, display: string): { text: string } | { problem: Problem } {
  return decodeUtf8(readFileSync(abs), display);
}

/** Read a file as UTF-8, throwing an InputError (exit 2) when it is in another encoding. */
export function readUtf8OrThrow(abs: string, display: string): string {
  const r = readUtf8(abs, display);
  if ("problem" in r) throw new InputError([r.problem]);
  return r.text;
}

/** "LE" or "BE" when the bytes are UTF-16: a UTF-16 byte-order mark, or NUL in every other byte of the start. */
function utf16Order(b: Uint8Array): "LE" | "BE" | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return "LE";
  if (b[0] === 0xfe && b[1] === 0xff) return "BE";
  const n = Math.min(b.length, 512) & ~1;
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZeros++;
    if (b[i + 1] === 0) oddZeros++;
  }
  const half = n / 2;
  if (oddZeros > half * 0.6 && evenZeros < half * 0.1) return "LE";
  if (evenZeros > half * 0.6 && oddZeros < half * 0.1) return "BE";
  return undefined;
}

function countNewlines(b: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) n++;
  return n;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence; -1 when every byte does. */
function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    const d = b[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d >= 0xa0) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d >= 0x90))
      return i;
    i += n + 1;
  }
  return -1;
}
