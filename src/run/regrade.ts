import path from "node:path";
import { referenceWorld } from "../conversation/reference-world.js";
import { applyChanges, mergeWorld, type WorldData } from "../conversation/world.js";
import { gradeTrial } from "../graders/grade-trial.js";
import type { AsyncGrader, Grader } from "../graders/types.js";
import { InputError } from "../suite/problems.js";
import { type ReadResultsOptions, ResultsWriter, readResultFile } from "./results-file.js";
import { judgeUsageOf } from "./run.js";
import { ensureDir, newRunId, readRunMeta, writeJsonAtomic } from "./run-dir.js";
import type { RunMeta } from "./schema.js";
import type { Workspace } from "./setup.js";

/** Grade a stored run again (e.g. with a judge) without holding its conversations again. */
export async function regradeRun(
  ws: Workspace,
  runDir: string,
  opts: {
    outDir: string;
    judge?: AsyncGrader;
    judgeId?: string;
    extra: Grader[];
    signal: AbortSignal;
    onWarning?: ReadResultsOptions["onWarning"];
  },
): Promise<{ runDir: string; lines: number; meta: RunMeta; interrupted: boolean }> {
  const meta = readRunMeta(runDir);
  const scenarios = new Map(ws.loaded.scenarios.map((s) => [`${s.suite}/${s.id}`, s]));
  const runId = newRunId();
  const out = path.join(opts.outDir, runId);
  ensureDir(out);
  const writer = new ResultsWriter(path.join(out, "results.jsonl"));
  const gold = new Map<string, WorldData | null>();
  let n = 0;
  try {
    const file = path.join(runDir, "results.jsonl");
    for await (const { line, number } of readResultFile(file, { onWarning: opts.onWarning })) {
      if (opts.signal.aborted) break;
      const scenario = scenarios.get(`${line.suite}/${line.scenario}`);
      if (!scenario) {
        throw new InputError([
          {
            file,
            line: number,
            col: 1,
            message: `scenario ${line.suite}/${line.scenario} is not in the loaded suites`,
            hint: "pass the suites the run used (see run.json options.globs)",
          },
        ]);
      }
      const domain = ws.loaded.domains.get(scenario.domain)!;
      const tools = ws.tools.get(scenario.domain)!;
      const initialWorld = mergeWorld(domain.world, scenario.world);
      const key = `${scenario.suite}/${scenario.id}`;
      if (!gold.has(key)) gold.set(key, referenceWorld(scenario, domain, tools));
      const { transcript, end_reason, world_diff, usage, latency_ms, bot_ms, error } = line;
      const conversation = {
        transcript,
        end_reason,
        world_diff,
        usage,
        latency_ms,
        bot_ms,
        ...(error ? { error } : {}),
      };
      const graded = await gradeTrial(
        {
          scenario,
          domain,
          conversation,
          initialWorld,
          finalWorld: applyChanges(initialWorld, conversation.world_diff),
          referenceWorld: gold.get(key) ?? null,
        },
        { extra: opts.extra, judge: opts.judge, signal: opts.signal },
      );
      // A trial graded while Ctrl-C cut its judge call short is not stored: its grades would be errors.
      if (opts.signal.aborted) break;
      writer.append({ ...line, run: runId, ...graded });
      n++;
    }
  } finally {
    writer.close();
  }
  const regraded: RunMeta = {
    ...meta,
    run: runId,
    judge: opts.judgeId ?? null,
    // Re-grading stopped by Ctrl-C is not complete, whatever the stored run was.
    status: opts.signal.aborted ? "interrupted" : meta.status,
    ended_at: opts.signal.aborted ? new Date().toISOString() : meta.ended_at,
    regraded_from: meta.run,
    judge_usage: judgeUsageOf(opts.judge),
  };
  writeJsonAtomic(path.join(out, "run.json"), regraded);
  return { runDir: out, lines: n, meta: regraded, interrupted: opts.signal.aborted };
}
