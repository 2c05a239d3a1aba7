import { z } from "zod";
import { Conversation } from "../conversation/schema.js";
import { EscalationOutcome, Grade, JudgeUsage, noJudgeUsage, Verdict } from "../graders/schema.js";

/** results.jsonl (one line per trial) and run.json: the only inputs of analysis and reports. */

export const RESULTS_VERSION = 1;

export const ResultLine = Conversation.extend({
  v: z.literal(RESULTS_VERSION),
  run: z.string(),
  key: z.string(),
  suite: z.string(),
  scenario: z.string(),
  domain: z.string(),
  intent: z.string(),
  tier: z.number().int().min(1).max(3),
  language: z.string(),
  volume: z.number().nullable(),
  candidate: z.string(),
  trial: z.number().int().min(0),
  verdict: Verdict,
  grades: z.array(Grade),
  escalation: EscalationOutcome.nullable(),
  started_at: z.string(),
  ended_at: z.string(),
});
export type ResultLine = z.infer<typeof ResultLine>;

/** The sum of several judge tallies (resumed sessions, merged shards); undefined when none has one. */
export function sumJudgeUsage(parts: ReadonlyArray<JudgeUsage | undefined>): JudgeUsage | undefined {
  const present = parts.filter((p): p is JudgeUsage => p !== undefined);
  if (!present.length) return undefined;
  const total = noJudgeUsage();
  for (const p of present) for (const k of Object.keys(total) as (keyof JudgeUsage)[]) total[k] += p[k] ?? 0;
  return total;
}

export const RunMeta = z.object({
  v: z.literal(RESULTS_VERSION),
  run: z.string(),
  package_version: z.string(),
  git_commit: z.string().nullable(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  status: z.enum(["running", "complete", "interrupted"]),
  candidates: z.array(z.string()),
  judge: z.string().nullable(),
  suites: z.array(z.object({ suite: z.string(), file: z.string(), sha256: z.string(), scenarios: z.number() })),
  config_sha256: z.string(),
  options: z.object({
    trials: z.number().int().nullable(),
    max_turns: z.number().int(),
    /** The limit came from --max-turns and overrides suites' own defaults. */
    max_turns_fixed: z.boolean().optional(),
    shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable(),
    globs: z.array(z.string()),
  }),
  planned_trials: z.number().int(),
  /**
   * Calls, tokens and cost the judge spent on this run (not in the trials' own usage), summed
   * over resumed sessions and merged shards.
   */
  judge_usage: JudgeUsage.optional(),
  /** Set by `supportbench grade`: the run whose transcripts were graded again. */
  regraded_from: z.string().optional(),
  /** Self-test and calibration figures, attached by those commands when present. */
  selftest: z.unknown().optional(),
  calibration: z.unknown().optional(),
});
export type RunMeta = z.infer<typeof RunMeta>;

/** The key that identifies a trial across resume, shards and merges. */
export function trialKey(suite: string, scenario: string, candidate: string, trial: number): string {
  return `${suite}/${scenario}/${candidate}#${trial}`;
}

/** What `supportbench selftest` measures; stored in run.json by `selftest --attach`. */
export const SelftestReport = z.object({
  scenarios: z.number().int(),
  gold: z.object({ total: z.number().int(), passed: z.number().int(), specificity: z.number() }),
  mutations: z.array(
    z.object({
      mutation: z.string(),
      target: z.string(),
      applicable: z.number().int(),
      caught: z.number().int(),
      by_target: z.number().int(),
      sensitivity: z.number(),
    }),
  ),
  graders: z.array(
    z.object({
      grader: z.string(),
      sensitivity: z.number().nullable(),
      specificity: z.number().nullable(),
      mutants: z.number().int(),
      gold: z.number().int(),
    }),
  ),
  gold_failures: z.array(z.object({ scenario: z.string(), reasons: z.array(z.string()) })),
  missed_mutants: z.array(z.object({ scenario: z.string(), mutation: z.string() })),
  threshold: z.number(),
  ok: z.boolean(),
});
export type SelftestReport = z.infer<typeof SelftestReport>;
