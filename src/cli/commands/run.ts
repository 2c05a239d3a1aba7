import path from "node:path";
import type { Command } from "commander";
import { heuristicGraders } from "../../graders/offline.js";
import { parseShard, type Shard } from "../../run/plan.js";
import { countJudgedLines } from "../../run/results-file.js";
import { executeRun, judgeSpecs, MAX_TRIALS } from "../../run/run.js";
import { readRunMeta, realRunDir } from "../../run/run-dir.js";
import type { RunMeta } from "../../run/schema.js";
import { openWorkspace } from "../../run/setup.js";
import { InputError } from "../../suite/problems.js";
import { withCompactHeap } from "../compact-heap.js";
import { withInterrupt } from "../interrupt.js";
import { type CliIO, EXIT, ExitCode, wholeNumber } from "../io.js";
import { buildJudge, entryId } from "../judge-option.js";
import { createProgress } from "../progress.js";
import { writeRunReports } from "../reports.js";
import { judgeSpendLine, RunSummary } from "../run-summary.js";

interface RunFlags {
  candidate?: string[];
  trials?: string;
  maxTurns?: string;
  out?: string;
  config?: string;
  resume?: string;
  shard?: string;
  concurrency?: string;
  cache?: boolean;
  judge?: string[];
  report?: boolean;
}

export function runCommand(program: Command, io: CliIO): void {
  program
    .command("run")
    .description("hold conversations between customers and candidate bots, grade them, write results and reports")
    .argument("[globs...]", "suite files or globs (default: the config's suites, else the bundled benchmark)")
    .option(
      "--candidate <spec>",
      "a bot to test (repeatable): builtin:faq-bot, builtin:reference, openai:<model>, anthropic:<model>, module:./bot.js, replay:file.jsonl, promptfoo:<id>",
      collect,
      [],
    )
    .option("--trials <k>", `trials per scenario (pass^k; at most ${MAX_TRIALS})`)
    .option("--max-turns <n>", "bot turns before a conversation is cut (default 8, at most 50)")
    .option("--out <dir>", "where runs are written (default reports/)")
    .option("--resume <run-dir>", "complete a killed or interrupted run")
    .option("--shard <i/n>", "run only shard i of n (for CI matrices; join with `merge`)")
    .option("--concurrency <n>", "conversations at once")
    .option("--no-cache", "do not read or write the model-call cache")
    .option("--judge <spec>", "LLM judge for rubric criteria (repeatable: a panel)", collect, [])
    .option("--no-report", "skip writing index.html, summary.md, junit.xml")
    .option("-c, --config <file>", "config file")
    .action(async (globs: string[], o: RunFlags) => {
      // Flags first: a bad number is reported before any suite is loaded.
      const trials = wholeNumber("--trials", o.trials, 1, MAX_TRIALS);
      const maxTurns = wholeNumber("--max-turns", o.maxTurns, 1, 50);
      const concurrency = wholeNumber("--concurrency", o.concurrency);
      let ws = await openWorkspace(io.cwd, { config: o.config, globs });
      let resumed: RunMeta | undefined;
      if (o.resume) {
        resumed = readRunMeta(realRunDir(path.resolve(io.cwd, o.resume)));
        // Resume the suites the run was planned from, not whatever the defaults are today.
        const planned = resumed.options.globs;
        if (globs.length === 0 && planned.join("\n") !== ws.globs.join("\n"))
          ws = await openWorkspace(io.cwd, { config: o.config, globs: planned });
      }
      // A resumed run keeps its judge: with no --judge and none in the config, the recorded one is rebuilt.
      let judgeFlags = o.judge?.length ? o.judge : undefined;
      if (!judgeFlags && resumed?.judge && !ws.config.judge) {
        judgeFlags = judgeSpecs(resumed.judge);
        io.stderr(`resuming with the run's judge: ${resumed.judge}\n`);
      }
      const candidateIds = resumed
        ? resumed.candidates
        : o.candidate?.length
          ? o.candidate.map(entryId)
          : ws.config.candidates.map(entryId);
      let shard: Shard | null = null;
      if (o.shard) {
        const s = parseShard(o.shard);
        if (typeof s === "string") throw new InputError([{ file: "--shard", line: 1, col: 1, message: s }]);
        shard = s;
      }
      const summary = new RunSummary();
      let progress: ReturnType<typeof createProgress> | undefined;
      const outcome = await withInterrupt(io, (signal) =>
        withCompactHeap(() =>
          executeRun(ws, {
            candidates: o.candidate,
            trials,
            maxTurns,
            out: o.out,
            resume: o.resume,
            shard,
            concurrency,
            noCache: o.cache === false,
            graders: async (ctx) => {
              const judge = await buildJudge(judgeFlags, ws, ctx, io, candidateIds);
              if (!judge) {
                const judged = ws.loaded.scenarios.filter(
                  (s) => s.expect.rubric.length || s.expect.forbidden.some((f) => typeof f === "string"),
                );
                if (judged.length) {
                  io.stderr(
                    `note: ${judged.length} scenarios have judged expectations (rubric lines, plain-text forbidden entries); without --judge they are recorded as not judged\n`,
                  );
                }
              }
              return { judge: judge?.grader, judgeId: judge?.id, extra: heuristicGraders(judge !== undefined) };
            },
            signal,
            env: io.env,
            onStart: ({ runDir, planned, skipped }) => {
              io.stderr(
                `run ${path.relative(io.cwd, runDir) || runDir}: ${planned} trials${skipped ? `, ${skipped} already done` : ""}\n`,
              );
              progress = createProgress(io, planned - skipped);
            },
            onProgress: (t) => progress?.update(t),
            onResult: (line) => summary.add(line),
          }),
        ),
      );
      progress?.stop();
      const rel = path.relative(io.cwd, outcome.runDir) || outcome.runDir;
      io.stdout(`\n${summary.render()}\n\n`);
      if (o.report !== false) {
        const res = await writeRunReports([outcome.runDir], outcome.runDir, ws);
        io.stdout(`${res.analysis.recommendation}\n\nreport: ${path.join(rel, "index.html")}\n`);
      }
      io.stdout(`results: ${path.join(rel, "results.jsonl")}\n`);
      if (outcome.meta.judge_usage) {
        const judged = await countJudgedLines(path.join(outcome.runDir, "results.jsonl"));
        io.stdout(`${judgeSpendLine(outcome.meta.judge_usage, judged)}\n`);
      }
      if (outcome.meta.status === "interrupted") {
        io.stderr(`interrupted: ${outcome.tally.done} trials written; finish with: supportbench run --resume ${rel}\n`);
        throw new ExitCode(EXIT.interrupted);
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
