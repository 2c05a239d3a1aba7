import path from "node:path";
import type { Command } from "commander";
import { heuristicGraders } from "../../graders/offline.js";
import { parseShard, type Shard } from "../../run/plan.js";
import { executeRun } from "../../run/run.js";
import { readRunMeta } from "../../run/run-dir.js";
import { openWorkspace } from "../../run/setup.js";
import { InputError } from "../../suite/problems.js";
import { withCompactHeap } from "../compact-heap.js";
import { withInterrupt } from "../interrupt.js";
import { type CliIO, EXIT, ExitCode, wholeNumber } from "../io.js";
import { buildJudge } from "../judge-option.js";
import { createProgress } from "../progress.js";
import { writeRunReports } from "../reports.js";
import { RunSummary } from "../run-summary.js";

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
    .option("--trials <k>", "trials per scenario (pass^k)")
    .option("--max-turns <n>", "bot turns before a conversation is cut (default 8)")
    .option("--out <dir>", "where runs are written (default reports/)")
    .option("--resume <run-dir>", "complete a killed or interrupted run")
    .option("--shard <i/n>", "run only shard i of n (for CI matrices; join with `merge`)")
    .option("--concurrency <n>", "conversations at once")
    .option("--no-cache", "do not read or write the model-call cache")
    .option("--judge <spec>", "LLM judge for rubric criteria (repeatable: a panel)", collect, [])
    .option("--no-report", "skip writing index.html, summary.md, junit.xml")
    .option("-c, --config <file>", "config file")
    .action(async (globs: string[], o: RunFlags) => {
      let ws = await openWorkspace(io.cwd, { config: o.config, globs });
      if (o.resume && globs.length === 0) {
        // Resume the suites the run was planned from, not whatever the defaults are today.
        const planned = readRunMeta(path.resolve(io.cwd, o.resume)).options.globs;
        if (planned.join("\n") !== ws.globs.join("\n"))
          ws = await openWorkspace(io.cwd, { config: o.config, globs: planned });
      }
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
            trials: wholeNumber("--trials", o.trials),
            maxTurns: wholeNumber("--max-turns", o.maxTurns),
            out: o.out,
            resume: o.resume,
            shard,
            concurrency: wholeNumber("--concurrency", o.concurrency),
            noCache: o.cache === false,
            graders: async (ctx) => {
              const judge = await buildJudge(o.judge?.length ? o.judge : undefined, ws, ctx, io);
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
      if (outcome.meta.status === "interrupted") {
        io.stderr(`interrupted: ${outcome.tally.done} trials written; finish with: supportbench run --resume ${rel}\n`);
        throw new ExitCode(EXIT.interrupted);
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
