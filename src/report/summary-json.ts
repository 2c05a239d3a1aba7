import { Analysis } from "../analysis/schema.js";

/** summary.json: the Analysis itself, validated on the way out and on the way in. */

/** Serialise an Analysis; validation first, so a broken analysis never becomes a file others trust. */
export function renderSummaryJson(analysis: Analysis): string {
  return `${JSON.stringify(Analysis.parse(analysis), null, 2)}\n`;
}

/** Parse summary.json text back into an Analysis (e.g. for the gate or a baseline). */
export function parseSummaryJson(text: string): Analysis {
  return Analysis.parse(JSON.parse(text));
}
