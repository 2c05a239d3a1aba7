import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { exportNotes, exportPromptfoo, renderPromptfooYaml } from "../../export/promptfoo.js";
import { openWorkspace } from "../../run/setup.js";
import type { CliIO } from "../io.js";

interface PromptfooFlags {
  out: string;
  judged?: boolean;
  url?: string;
  provider?: string;
  config?: string;
}

export function exportCommand(program: Command, io: CliIO): void {
  const exp = program.command("export").description("write the scenarios in another tool's format");
  exp
    .command("promptfoo")
    .description(
      "write an equivalent promptfoo config: one test per customer message, multi-turn through _conversation",
    )
    .argument("[globs...]", "suite files or globs (default: the config's suites, else the bundled benchmark)")
    .option("--out <file>", "where to write it", "promptfooconfig.yaml")
    .option("--no-judged", "leave out the llm-rubric assertions (they need a grading model)")
    .option("--url <url>", "the webhook the http provider posts to")
    .option("--provider <id>", "a promptfoo provider id instead of the http provider, e.g. openai:gpt-4.1-mini")
    .option("-c, --config <file>", "config file")
    .action(async (globs: string[], o: PromptfooFlags) => {
      const ws = await openWorkspace(io.cwd, { config: o.config, globs });
      const scenarios = ws.loaded.scenarios;
      const options = {
        judged: o.judged,
        url: o.url,
        provider: o.provider,
        sources: globs.length ? globs : ws.globs,
        // A model provider gets each domain's system prompt with its policy, as supportbench's own candidates do.
        domains: ws.loaded.domains,
      };
      const config = exportPromptfoo(scenarios, options);
      const out = path.resolve(io.cwd, o.out);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, renderPromptfooYaml(config, scenarios, options));
      io.stdout(
        `wrote ${path.relative(io.cwd, out) || out}: ${scenarios.length} scenarios as ${config.tests.length} promptfoo tests\n`,
      );
      for (const note of exportNotes(scenarios)) io.stderr(`note: ${note}\n`);
    });
}
