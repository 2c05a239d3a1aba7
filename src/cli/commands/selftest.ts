import path from "node:path";
import type { Command } from "commander";
import { readRunMeta, writeJsonAtomic } from "../../run/run-dir.js";
import { runSelftest } from "../../run/selftest.js";
import { openWorkspace } from "../../run/setup.js";
import { withInterrupt } from "../interrupt.js";
import { type CliIO, EXIT, ExitCode, pct, table } from "../io.js";

export function selftestCommand(program: Command, io: CliIO): void {
  program
    .command("selftest")
    .description(
      "replay every gold reference (must pass) and mutants of it (must fail): grader sensitivity and specificity",
    )
    .argument("[globs...]", "suite files or globs")
    .option("--threshold <x>", "minimum sensitivity and specificity", "0.95")
    .option("--json", "print the report as JSON")
    .option("--attach <run-dir>", "store the figures in a run's run.json, for its report")
    .option("--concurrency <n>", "conversations at once", "16")
    .option("-c, --config <file>", "config file")
    .action(
      async (
        globs: string[],
        o: { threshold: string; json?: boolean; attach?: string; concurrency: string; config?: string },
      ) => {
        const ws = await openWorkspace(io.cwd, { config: o.config, globs });
        const report = await withInterrupt(io, (signal) =>
          runSelftest(ws, { threshold: Number(o.threshold), concurrency: Number(o.concurrency) || 16, signal }),
        );
        if (o.attach) {
          const dir = path.resolve(io.cwd, o.attach);
          const meta = readRunMeta(dir);
          writeJsonAtomic(path.join(dir, "run.json"), { ...meta, selftest: report });
        }
        if (o.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        else {
          io.stdout(
            `gold references: ${report.gold.passed}/${report.gold.total} pass (specificity ${pct(report.gold.specificity)})\n\n`,
          );
          io.stdout(
            `${table([["mutation", "grader", "mutants", "caught", "by grader", "sensitivity"], ...report.mutations.map((m) => [m.mutation, m.target, String(m.applicable), String(m.caught), String(m.by_target), m.applicable ? pct(m.sensitivity) : "–"])])}\n\n`,
          );
          io.stdout(
            `${table([["grader", "sensitivity", "specificity", "mutants", "gold"], ...report.graders.map((g) => [g.grader, g.sensitivity === null ? "–" : pct(g.sensitivity), g.specificity === null ? "–" : pct(g.specificity), String(g.mutants), String(g.gold)])])}\n`,
          );
          for (const f of report.gold_failures.slice(0, 30))
            io.stdout(`\nGOLD FAILS ${f.scenario}\n  ${f.reasons.join("\n  ")}\n`);
          if (report.missed_mutants.length) {
            io.stdout(`\nmutants not caught (${report.missed_mutants.length}):\n`);
            for (const m of report.missed_mutants.slice(0, 40)) io.stdout(`  ${m.scenario} ${m.mutation}\n`);
          }
          io.stdout(`\n${report.ok ? "✓ self-test passed" : `✗ self-test below ${o.threshold}`}\n`);
        }
        if (!report.ok) throw new ExitCode(EXIT.failed);
      },
    );
}
