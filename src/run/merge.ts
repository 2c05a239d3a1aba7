import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { InputError } from "../suite/problems.js";
import { type ReadResultsOptions, ResultsWriter, readResultFile } from "./results-file.js";
import { ensureDir, newRunId, readRunMeta, writeJsonAtomic } from "./run-dir.js";
import type { ResultLine, RunMeta } from "./schema.js";
import { sumJudgeUsage } from "./schema.js";

/** A run folder from a path that is one, holds `latest`, or holds run folders. */
export function findRunDirs(p: string): string[] {
  if (existsSync(path.join(p, "run.json"))) return [p];
  if (existsSync(path.join(p, "latest", "run.json"))) return [path.join(p, "latest")];
  if (!existsSync(p)) throw new InputError([{ file: p, line: 1, col: 1, message: "no such folder" }]);
  const subs = readdirSync(p, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "latest" && existsSync(path.join(p, e.name, "run.json")))
    .map((e) => path.join(p, e.name));
  if (!subs.length)
    throw new InputError([
      {
        file: p,
        line: 1,
        col: 1,
        message: "no run folders (with run.json) here",
        hint: "pass folders written by `supportbench run`",
      },
    ]);
  return subs;
}

/** Read every result line of a run, validating each; a bad line is a positioned problem, a torn last line a warning. */
export async function* readResultLines(runDir: string, opts: ReadResultsOptions = {}): AsyncGenerator<ResultLine> {
  for await (const { line } of readResultFile(path.join(runDir, "results.jsonl"), opts)) yield line;
}

/** Join shard runs into one run folder; a trial stored twice keeps its last copy. */
export async function mergeRuns(
  inputs: string[],
  outDir: string,
  opts: ReadResultsOptions = {},
): Promise<{ runDir: string; lines: number; shards: number }> {
  const dirs = inputs.flatMap(findRunDirs);
  const metas = dirs.map(readRunMeta);
  const hashes = new Map<string, string>();
  for (const m of metas) {
    for (const s of m.suites) {
      const prior = hashes.get(s.suite);
      if (prior && prior !== s.sha256) {
        throw new InputError([
          {
            file: s.file,
            line: 1,
            col: 1,
            message: `suite \`${s.suite}\` differs between the runs being merged`,
            hint: "merge only shards of the same run (same suites and config)",
          },
        ]);
      }
      hashes.set(s.suite, s.sha256);
    }
  }
  const runId = newRunId();
  const runDir = path.join(outDir, runId);
  ensureDir(runDir);
  // Two passes keep memory flat: find where each key's last copy is, then stream those lines out.
  const lastAt = new Map<string, string>();
  for (const [i, d] of dirs.entries()) {
    let n = 0;
    for await (const line of readResultLines(d, opts)) lastAt.set(line.key, `${i}:${n++}`);
  }
  const writer = new ResultsWriter(path.join(runDir, "results.jsonl"));
  try {
    for (const [i, d] of dirs.entries()) {
      let n = 0;
      for await (const line of readResultLines(d))
        if (lastAt.get(line.key) === `${i}:${n++}`) writer.append({ ...line, run: runId });
    }
  } finally {
    writer.close();
  }
  const first = metas[0]!;
  const suites = new Map(metas.flatMap((m) => m.suites).map((s) => [s.suite, s]));
  const meta: RunMeta = {
    ...first,
    run: runId,
    started_at: metas.map((m) => m.started_at).sort()[0]!,
    ended_at: metas.every((m) => m.ended_at)
      ? metas
          .map((m) => m.ended_at!)
          .sort()
          .at(-1)!
      : null,
    status: metas.every((m) => m.status === "complete") ? "complete" : "interrupted",
    candidates: [...new Set(metas.flatMap((m) => m.candidates))],
    suites: [...suites.values()],
    options: { ...first.options, shard: null },
    planned_trials: Math.max(mergedPlan(metas), lastAt.size),
    judge_usage: sumJudgeUsage(metas.map((m) => m.judge_usage)),
  };
  writeJsonAtomic(path.join(runDir, "run.json"), meta);
  return { runDir, lines: lastAt.size, shards: dirs.length };
}

/**
 * Trials planned by the merged runs, each planned trial counted once: runs of the same plan
 * (candidates, suites, trials) count a shard index once, and a whole run counts as all its shards;
 * runs of different plans add up. The caller keeps it at least the number of lines merged.
 */
export function mergedPlan(metas: readonly RunMeta[]): number {
  const plans = new Map<string, { whole: number; shards: Map<number, Map<number, number>> }>();
  for (const m of metas) {
    const id = JSON.stringify([
      [...m.candidates].sort(),
      m.suites.map((s) => `${s.suite}@${s.sha256}`).sort(),
      m.options.trials,
    ]);
    let plan = plans.get(id);
    if (!plan) {
      plan = { whole: 0, shards: new Map() };
      plans.set(id, plan);
    }
    const shard = m.options.shard;
    if (!shard || shard.count === 1) plan.whole = Math.max(plan.whole, m.planned_trials);
    else {
      const byIndex = plan.shards.get(shard.count) ?? new Map<number, number>();
      byIndex.set(shard.index, Math.max(byIndex.get(shard.index) ?? 0, m.planned_trials));
      plan.shards.set(shard.count, byIndex);
    }
  }
  let total = 0;
  for (const plan of plans.values()) {
    let most = plan.whole;
    for (const byIndex of plan.shards.values())
      most = Math.max(
        most,
        [...byIndex.values()].reduce((a, b) => a + b, 0),
      );
    total += most;
  }
  return total;
}
