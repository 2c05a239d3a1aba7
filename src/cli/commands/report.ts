import path from "node:path";
import type { Command } from "commander";
import { formatIssues } from "../../analysis/read-run.js";
import { loadConfig } from "../../config/load.js";
import { DEFAULT_MAX_CONVERSATIONS } from "../../report/html/index.js";
import { findRunDirs } from "../../run/merge.js";
import { type CliIO, wholeNumber } from "../io.js";
import { writeRunReports } from "../reports.js";

export function reportCommand(program: Command, io: CliIO): void {
  program
    .command("report")
    .description("analyse runs and write index.html, summary.md, junit.xml and summary.json")
    .argument("<run-dirs...>", "run folders (several are analysed together)")
    .option("--baseline <run-dir>", "compare against this run (paired, same scenarios)")
    .option("--out <dir>", "where to write the reports (default: the first run folder)")
    .option("--policy <file>", "automation-scope policy (default: the config's scope_policy)")
    .option("--min-scenarios <n>", "scenarios a cell needs before it gets a rate")
    .option("--no-html", "skip index.html")
    .option(
      "--max-conversations <n>",
      `conversations index.html embeds in full, failures and errors first (default ${DEFAULT_MAX_CONVERSATIONS}); every trial keeps its row`,
    )
    .option("-c, --config <file>", "config file")
    .action(
      async (
        dirs: string[],
        o: {
          baseline?: string;
          out?: string;
          policy?: string;
          minScenarios?: string;
          maxConversations?: string;
          html?: boolean;
          config?: string;
        },
      ) => {
        const { config } = await loadConfig(io.cwd, o.config);
        const runDirs = dirs.flatMap((d) => findRunDirs(path.resolve(io.cwd, d)));
        const outDir = path.resolve(io.cwd, o.out ?? runDirs[0]!);
        const res = await writeRunReports(
          runDirs,
          outDir,
          { cwd: io.cwd, config },
          {
            baseline: o.baseline ? findRunDirs(path.resolve(io.cwd, o.baseline))[0] : undefined,
            policy: o.policy,
            html: o.html,
            minScenarios: wholeNumber("--min-scenarios", o.minScenarios),
            maxConversations: wholeNumber("--max-conversations", o.maxConversations, 0),
          },
        );
        if (res.warnings.length) io.stderr(`${formatIssues(res.warnings)}\n`);
        io.stdout(`${res.analysis.recommendation}\n\n`);
        for (const f of res.files) io.stdout(`wrote ${path.relative(io.cwd, f) || f}\n`);
      },
    );
}
