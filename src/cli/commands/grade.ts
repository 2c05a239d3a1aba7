import path from "node:path";
import type { Command } from "commander";
import { heuristicGraders } from "../../graders/offline.js";
import { regradeRun } from "../../run/regrade.js";
import { countJudgedLines } from "../../run/results-file.js";
import { providerContext } from "../../run/run.js";
import { readRunMeta } from "../../run/run-dir.js";
import { openWorkspace } from "../../run/setup.js";
import { formatProblem } from "../../suite/problems.js";
import { withCompactHeap } from "../compact-heap.js";
import { withInterrupt } from "../interrupt.js";
import { type CliIO, EXIT, ExitCode } from "../io.js";
import { buildJudge } from "../judge-option.js";
import { writeRunReports } from "../reports.js";
import { judgeSpendLine } from "../run-summary.js";

export function gradeCommand(program: Command, io: CliIO): void {
  program
    .command("grade")
    .description("grade a stored run again (e.g. with a judge) without holding the conversations again")
    .argument("<run-dir>", "a run folder, e.g. reports/latest")
    .option("--judge <spec>", "LLM judge (repeatable: a panel)", (v: string, p: string[]) => [...p, v], [] as string[])
    .option("--out <dir>", "where the re-graded run is written (default: beside the run)")
    .option("--no-cache", "do not read or write the model-call cache")
    .option("--no-report", "skip writing the reports")
    .option("-c, --config <file>", "config file")
    .action(
      async (
        runDir: string,
        o: { judge: string[]; out?: string; config?: string; cache?: boolean; report?: boolean },
      ) => {
        const dir = path.resolve(io.cwd, runDir);
        const meta = readRunMeta(dir);
        const ws = await openWorkspace(io.cwd, { config: o.config, globs: meta.options.globs });
        const now = new Map(ws.loaded.suites.map((s) => [s.suite, s.sha256]));
        const changed = meta.suites
          .filter((s) => now.has(s.suite) && now.get(s.suite) !== s.sha256)
          .map((s) => s.suite);
        if (changed.length) {
          io.stderr(
            `warning: suites changed since the run: ${changed.join(", ")}; their stored conversations are graded against today's expectations\n`,
          );
        }
        const ctx = providerContext(ws, { env: io.env, noCache: o.cache === false });
        const judge = await buildJudge(o.judge.length ? o.judge : undefined, ws, ctx, io, meta.candidates);
        const outDir = path.resolve(io.cwd, o.out ?? path.dirname(dir));
        const res = await withInterrupt(io, (signal) =>
          withCompactHeap(() =>
            regradeRun(ws, dir, {
              outDir,
              judge: judge?.grader,
              judgeId: judge?.id,
              extra: heuristicGraders(judge !== undefined),
              signal,
              onWarning: (p) => io.stderr(`warning: ${formatProblem(p)}\n`),
            }),
          ),
        );
        const rel = path.relative(io.cwd, res.runDir) || res.runDir;
        const results = path.join(res.runDir, "results.jsonl");
        const spend = res.meta.judge_usage
          ? `${judgeSpendLine(res.meta.judge_usage, await countJudgedLines(results))}\n`
          : "";
        if (res.interrupted) {
          // Re-grading cannot be resumed: the partial run gets no reports, and grading again starts over.
          io.stdout(
            `re-graded ${res.lines} trials before Ctrl-C\nresults: ${path.join(rel, "results.jsonl")}\n${spend}`,
          );
          io.stderr(
            `interrupted: ${res.lines} trials re-graded into ${rel} (status interrupted, no reports); re-grading cannot be resumed: run \`supportbench grade ${runDir}${o.judge.map((j) => ` --judge ${j}`).join("")}\` again to grade the whole run\n`,
          );
          throw new ExitCode(EXIT.interrupted);
        }
        if (o.report !== false) await writeRunReports([res.runDir], res.runDir, ws);
        io.stdout(
          `re-graded ${res.lines} trials${judge ? ` with ${judge.id}` : ""}\nresults: ${path.join(rel, "results.jsonl")}\n${o.report !== false ? `report: ${path.join(rel, "index.html")}\n` : ""}${spend}`,
        );
      },
    );
}
