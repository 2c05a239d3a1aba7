import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load.js";
import { mergeRuns } from "../../run/merge.js";
import { linkLatest } from "../../run/run-dir.js";
import { formatProblem } from "../../suite/problems.js";
import type { CliIO } from "../io.js";
import { writeRunReports } from "../reports.js";

export function mergeCommand(program: Command, io: CliIO): void {
  program
    .command("merge")
    .description("join shard runs (from --shard i/n) into one run folder")
    .argument("<dirs...>", "run folders, or folders holding them")
    .requiredOption("--out <dir>", "where the merged run is written")
    .option("--no-report", "skip writing the reports")
    .action(async (dirs: string[], o: { out: string; report?: boolean }) => {
      const outDir = path.resolve(io.cwd, o.out);
      const res = await mergeRuns(
        dirs.map((d) => path.resolve(io.cwd, d)),
        outDir,
        { onWarning: (p) => io.stderr(`warning: ${formatProblem(p)}\n`) },
      );
      linkLatest(outDir, res.runDir);
      if (o.report !== false)
        await writeRunReports([res.runDir], res.runDir, { cwd: io.cwd, config: (await loadConfig(io.cwd)).config });
      io.stdout(
        `merged ${res.shards} runs, ${res.lines} trials into ${path.relative(io.cwd, res.runDir) || res.runDir}\n`,
      );
    });
}
