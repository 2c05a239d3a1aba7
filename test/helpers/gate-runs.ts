import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EscalationOutcome, Verdict } from "../../src/graders/schema.js";
import { type ResultLine, type RunMeta, trialKey } from "../../src/run/schema.js";
import { makeResultLines, makeRunMeta } from "./synthetic-results.js";

/** Exact result lines for gate and baseline tests: every verdict chosen by the test, nothing random. */

const TEMPLATE = makeResultLines({ scenarios: 1, candidates: ["template"], errorRate: 0 })[0]!;

export interface TrialSpec {
  candidate?: string;
  suite?: string;
  scenario: string;
  trial?: number;
  verdict: Verdict;
  tier?: 1 | 2 | 3;
  language?: string;
  intent?: string;
  escalation?: EscalationOutcome | null;
  run?: string;
}

/** One result line with the given verdict; escalation defaults to a correct outcome. */
export function line(spec: TrialSpec): ResultLine {
  const candidate = spec.candidate ?? "bot";
  const suite = spec.suite ?? "suite-a";
  const trial = spec.trial ?? 0;
  return {
    ...TEMPLATE,
    run: spec.run ?? "run-1",
    key: trialKey(suite, spec.scenario, candidate, trial),
    suite,
    scenario: spec.scenario,
    candidate,
    trial,
    verdict: spec.verdict,
    tier: spec.tier ?? 1,
    language: spec.language ?? "en",
    intent: spec.intent ?? "refund.status",
    escalation: spec.escalation === undefined ? "correct_no_handoff" : spec.escalation,
    grades: spec.verdict === "error" ? [] : TEMPLATE.grades,
    ...(spec.verdict === "error" ? { error: { kind: "timeout", message: "timed out" } } : {}),
  } as ResultLine;
}

/** `passes` passing and `fails` failing scenarios (one trial each), named s0, s1, … */
export function scenarios(
  passes: number,
  fails: number,
  extra: Omit<TrialSpec, "scenario" | "verdict"> = {},
  prefix = "s",
): ResultLine[] {
  const out: ResultLine[] = [];
  for (let i = 0; i < passes + fails; i++)
    out.push(line({ ...extra, scenario: `${prefix}${i}`, verdict: i < passes ? "pass" : "fail" }));
  return out;
}

/** Write a run folder (results.jsonl and run.json) and return its path. */
export function writeRun(lines: ResultLine[], overrides: Partial<RunMeta> = {}, dir?: string): string {
  const root = dir ?? mkdtempSync(path.join(tmpdir(), "sb-gate-run-"));
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, "results.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const meta = makeRunMeta(lines, { run: lines[0]?.run ?? "run-1", ...overrides });
  writeFileSync(path.join(root, "run.json"), JSON.stringify(meta, null, 2));
  return root;
}
