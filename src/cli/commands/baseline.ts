import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { loadRuns } from "../../gate/read-baseline.js";
import { baselineFromRuns, formatBaselineFile, gradedTrials } from "../../gate/verdicts.js";
import { InputError } from "../../suite/problems.js";
import { VERSION } from "../../version.js";
import { type CliIO, pct } from "../io.js";

export function baselineCommand(program: Command, io: CliIO): void {
  const baseline = program
    .command("baseline")
    .description("manage the baseline file that `gate` compares runs with (commit it to your repository)");
  baseline
    .command("update")
    .description(
      "write supportbench-baseline.json from a run: verdicts per candidate, scenario and trial, and suite hashes",
    )
    .argument("<run-dirs...>", "the run to record (a run folder, a folder holding `latest`, or shard runs)")
    .option("--out <file>", "where to write it", "supportbench-baseline.json")
    .action(async (dirs: string[], o: { out: string }) => {
      const runs = await loadRuns(dirs.map((d) => path.resolve(io.cwd, d)));
      for (const w of runs.warnings) io.stderr(`warning: ${w}\n`);
      if (runs.lines.length === 0) {
        throw new InputError([{ file: dirs[0]!, line: 1, col: 1, message: "the run has no trials to record" }]);
      }
      for (const m of runs.metas) {
        if (m.status !== "complete")
          io.stderr(`warning: run ${m.run} is ${m.status}; the baseline covers only the trials it recorded\n`);
      }
      const recorded =
        runs.metas
          .map((m) => m.ended_at ?? m.started_at)
          .sort()
          .at(-1) ?? "";
      const file = baselineFromRuns(runs.lines, runs.metas, { createdAt: recorded, packageVersion: VERSION });
      const out = path.resolve(io.cwd, o.out);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, formatBaselineFile(file));
      io.stdout(`wrote ${path.relative(io.cwd, out) || out}\n`);
      for (const [candidate, scenarios] of Object.entries(file.verdicts)) {
        let passes = 0;
        let graded = 0;
        for (const letters of Object.values(scenarios)) {
          for (const pass of gradedTrials(letters).values()) {
            graded++;
            if (pass) passes++;
          }
        }
        const rate = graded > 0 ? pct(passes / graded) : "n/a";
        io.stdout(
          `  ${candidate}: ${Object.keys(scenarios).length} scenarios, ${graded} graded trials, ${rate} passed\n`,
        );
      }
      io.stdout(`  suites: ${file.suites.map((s) => s.suite).join(", ") || "(unknown: no run.json)"}\n`);
    });
}
