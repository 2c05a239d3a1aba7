import type { ResultLine } from "../../run/schema.js";

/**
 * What the drill-down embeds: a light row per trial (parsed at load, drives filters and the table)
 * and the heavy detail per trial (transcript, grades; parsed only when a trial is opened or searched).
 */

export interface TrialRow {
  key: string;
  run: string;
  candidate: string;
  suite: string;
  scenario: string;
  intent: string;
  language: string;
  tier: number;
  trial: number;
  verdict: ResultLine["verdict"];
  escalation: ResultLine["escalation"];
  /** Criteria whose grade failed, hard ones first. */
  failed: string[];
  handoff: boolean;
  turns: number;
  cost_usd: number;
  latency_ms: number;
  error: string | null;
}

export type TrialDetail = Pick<
  ResultLine,
  | "transcript"
  | "grades"
  | "end_reason"
  | "world_diff"
  | "usage"
  | "latency_ms"
  | "bot_ms"
  | "started_at"
  | "ended_at"
  | "volume"
  | "domain"
> & { error: ResultLine["error"] | null };

function failedCriteria(line: ResultLine): string[] {
  const failed = line.grades.filter((g) => g.pass === false);
  failed.sort((a, b) => Number(b.hard) - Number(a.hard));
  return [...new Set(failed.map((g) => g.criterion))];
}

/** The table row of one trial. */
export function trialRow(line: ResultLine): TrialRow {
  return {
    key: line.key,
    run: line.run,
    candidate: line.candidate,
    suite: line.suite,
    scenario: line.scenario,
    intent: line.intent,
    language: line.language,
    tier: line.tier,
    trial: line.trial,
    verdict: line.verdict,
    escalation: line.escalation,
    failed: failedCriteria(line),
    handoff: line.transcript.some((e) => e.type === "handoff"),
    turns: line.transcript.filter((e) => e.type === "customer").length,
    cost_usd: line.usage.cost_usd,
    latency_ms: line.latency_ms,
    error: line.error ? `${line.error.kind}: ${line.error.message}` : null,
  };
}

/** The detail of one trial, opened on demand. */
export function trialDetail(line: ResultLine): TrialDetail {
  return {
    transcript: line.transcript,
    grades: line.grades,
    end_reason: line.end_reason,
    world_diff: line.world_diff,
    usage: line.usage,
    latency_ms: line.latency_ms,
    bot_ms: line.bot_ms,
    started_at: line.started_at,
    ended_at: line.ended_at,
    volume: line.volume,
    domain: line.domain,
    error: line.error ?? null,
  };
}

/** Distinct values of one row field, sorted, for the filter menus. */
export function distinct<T extends string | number>(rows: readonly TrialRow[], pick: (row: TrialRow) => T | null): T[] {
  const values = new Set<T>();
  for (const row of rows) {
    const v = pick(row);
    if (v !== null) values.add(v);
  }
  return [...values].sort((a, b) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)),
  );
}
