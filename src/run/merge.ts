import { createReadStream, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { InputError } from "../suite/problems.js";
import { ResultsWriter } from "./results-file.js";
import { ensureDir, newRunId, readRunMeta, writeJsonAtomic } from "./run-dir.js";
import { ResultLine, type RunMeta, sumJudgeUsage } from "./schema.js";

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

/** Read every result line of a run, validating each; a bad line is a positioned problem. */
export async function* readResultLines(runDir: string): AsyncGenerator<ResultLine> {
  const file = path.join(runDir, "results.jsonl");
  if (!existsSync(file)) return;
  const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError([
        {
          file,
          line: n,
          col: 1,
          message: `not JSON: ${(err as Error).message}`,
          hint: "a run killed mid-write is repaired by --resume",
        },
      ]);
    }
    const parsed = ResultLine.safeParse(value);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new InputError([
        {
          file,
          line: n,
          col: 1,
          message: `${i.path.join(".")}: ${i.message}`,
          hint: "was this written by another version of supportbench?",
        },
      ]);
    }
    yield parsed.data;
  }
}

/** Join shard runs into one run folder; a trial stored twice keeps its last copy. */
export async function mergeRuns(
  inputs: string[],
  outDir: string,
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
    for await (const line of readResultLines(d)) lastAt.set(line.key, `${i}:${n++}`);
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
    planned_trials: metas.reduce((a, m) => a + m.planned_trials, 0),
    judge_usage: sumJudgeUsage(metas.map((m) => m.judge_usage)),
  };
  writeJsonAtomic(path.join(runDir, "run.json"), meta);
  return { runDir, lines: lastAt.size, shards: dirs.length };
}
