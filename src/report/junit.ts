import { groupBy } from "../analysis/figures.js";
import type { ResultLine } from "../run/schema.js";

/**
 * junit.xml: one testcase per scenario × candidate, one testsuite per candidate. A testcase fails when
 * any of its graded trials failed (the message names the failed criteria), is an error when no trial
 * failed but one ended in an error verdict, and passes otherwise.
 */

// Characters XML 1.0 cannot carry at all, even escaped: controls other than tab/newline/CR, lone
// surrogates and U+FFFE/U+FFFF.
const INVALID_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML forbids is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for XML content and attribute values; characters XML cannot carry become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** Escape element text; line breaks stay literal so the message reads well in CI viewers. */
function xmlText(text: string): string {
  return text.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

interface CaseResult {
  xml: string;
  failed: boolean;
  errored: boolean;
  ms: number;
}

function testcase(candidate: string, trials: ResultLine[]): CaseResult {
  const first = trials[0]!;
  const sorted = [...trials].sort((a, b) => a.trial - b.trial);
  const ms = sorted.reduce((t, l) => t + l.latency_ms, 0);
  const name = `${first.scenario} [${first.language}, tier ${first.tier}]`;
  const classname = `${candidate}.${first.suite}.${first.intent}`;
  const attrs = `classname="${xmlEscape(classname)}" name="${xmlEscape(name)}" time="${seconds(ms)}"`;
  const failed = sorted.filter((l) => l.verdict === "fail");
  const errored = sorted.filter((l) => l.verdict === "error");
  const graded = sorted.length - errored.length;
  if (failed.length > 0) {
    const criteria = [
      ...new Set(failed.flatMap((l) => l.grades.filter((g) => g.pass === false).map((g) => g.criterion))),
    ];
    const message = `${criteria.length > 0 ? criteria.join(", ") : "verdict"} failed in ${failed.length} of ${graded} trial(s)`;
    const body = failed
      .map((l) => {
        const reasons = l.grades
          .filter((g) => g.pass === false)
          .map((g) => {
            const quote = g.evidence[0] ? ` (turn ${g.evidence[0].turn}: "${g.evidence[0].quote}")` : "";
            return `  ${g.criterion}${g.hard ? "" : " (soft)"}: ${g.reason}${quote}`;
          });
        return [`trial ${l.trial}${l.escalation ? ` · escalation ${l.escalation}` : ""}`, ...reasons].join("\n");
      })
      .join("\n");
    return {
      xml: `    <testcase ${attrs}>\n      <failure message="${xmlEscape(message)}" type="fail">${xmlText(body)}</failure>\n    </testcase>`,
      failed: true,
      errored: false,
      ms,
    };
  }
  if (errored.length > 0) {
    const kinds = [...new Set(errored.map((l) => l.error?.kind ?? "error"))];
    const message = `${kinds.join(", ")} in ${errored.length} of ${sorted.length} trial(s)`;
    const body = errored
      .map((l) => `trial ${l.trial}: ${l.error?.kind ?? "error"}: ${l.error?.message ?? "no message"}`)
      .join("\n");
    return {
      xml: `    <testcase ${attrs}>\n      <error message="${xmlEscape(message)}" type="${xmlEscape(kinds[0] ?? "error")}">${xmlText(body)}</error>\n    </testcase>`,
      failed: false,
      errored: true,
      ms,
    };
  }
  return { xml: `    <testcase ${attrs}/>`, failed: false, errored: false, ms };
}

/** Render junit.xml from results lines (already de-duplicated). */
export function renderJUnit(lines: readonly ResultLine[], name = "supportbench"): string {
  const byCandidate = groupBy(lines, (l) => l.candidate);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let totalMs = 0;
  for (const [candidate, candLines] of byCandidate) {
    const cases = [...groupBy(candLines, (l) => `${l.suite}/${l.scenario}`).values()].map((trials) =>
      testcase(candidate, trials),
    );
    const f = cases.filter((c) => c.failed).length;
    const e = cases.filter((c) => c.errored).length;
    const ms = cases.reduce((t, c) => t + c.ms, 0);
    tests += cases.length;
    failures += f;
    errors += e;
    totalMs += ms;
    suites.push(
      `  <testsuite name="${xmlEscape(candidate)}" tests="${cases.length}" failures="${f}" errors="${e}" skipped="0" time="${seconds(ms)}">\n${cases.map((c) => c.xml).join("\n")}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(totalMs)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
