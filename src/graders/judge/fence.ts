import { randomBytes } from "node:crypto";
import type { TranscriptEvent } from "../../conversation/schema.js";

/**
 * Fencing untrusted text for the judge. Each call gets a fresh random token; a fence only closes
 * with that token, and every message is one JSON string on one line, so text written by the bot
 * or the customer cannot end the fence or start a line that reads like an instruction.
 */

/** A per-call delimiter token from the crypto random source. */
export function newDelimiter(bytes: (n: number) => Buffer = randomBytes): string {
  return bytes(12).toString("hex");
}

/** The opening and closing marker lines of a fence. */
export function fenceMarkers(label: string, delimiter: string): { open: string; close: string } {
  return { open: `<<<${label} ${delimiter}>>>`, close: `<<<END ${label} ${delimiter}>>>` };
}

export const DELIMITER_REMOVED = "[delimiter removed]";

/** Remove the delimiter wherever it occurs (case-insensitive), so that no text can close a fence. */
export function escapeDelimiter(text: string, delimiter: string): string {
  const escaped = delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(escaped, "gi"), DELIMITER_REMOVED);
}

/** A JSON string literal on one line: quotes, newlines and Unicode line separators escaped. */
export function quoteOneLine(text: string, delimiter: string): string {
  return JSON.stringify(escapeDelimiter(text, delimiter)).replace(
    /[\u2028\u2029\u0085]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function compactJson(value: unknown, max: number): string {
  const text = JSON.stringify(value ?? null) ?? "null";
  return text.length > max ? `${text.slice(0, max)}…(truncated)` : text;
}

/** One line per transcript event: `turn N · speaker: "text"`. */
export function renderTranscript(events: readonly TranscriptEvent[], delimiter: string, maxToolChars = 600): string {
  const lines = events.map((e) => {
    switch (e.type) {
      case "customer":
        return `turn ${e.turn} · customer: ${quoteOneLine(e.text, delimiter)}`;
      case "bot":
        return `turn ${e.turn} · bot: ${quoteOneLine(e.text, delimiter)}`;
      case "tool": {
        const call = `${e.name} ${compactJson(e.args, maxToolChars)}`;
        const outcome = e.error ? `error ${compactJson(e.error, maxToolChars)}` : compactJson(e.result, maxToolChars);
        return `turn ${e.turn} · bot called tool: ${quoteOneLine(`${call} -> ${outcome}`, delimiter)}`;
      }
      case "handoff":
        return `turn ${e.turn} · bot handed off to a person (${e.detected_by}): ${quoteOneLine(
          `reason: ${e.reason}; summary: ${e.summary}`,
          delimiter,
        )}`;
    }
    return "";
  });
  return lines.join("\n");
}

/** Text between a fence's markers, with the delimiter escaped. */
export function fence(label: string, body: string, delimiter: string): string {
  const { open, close } = fenceMarkers(label, delimiter);
  return `${open}\n${escapeDelimiter(body, delimiter)}\n${close}`;
}
