import type { Command } from "commander";
import { openWorkspace } from "../../run/setup.js";
import { coverageMarkdown } from "../../suite/coverage.js";
import { type CliIO, table } from "../io.js";

function countBy<T>(items: T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command("validate")
    .description("check suites and domain packs; every problem with file:line:col")
    .argument("[globs...]", "suite files or globs (default: suites/**/*.yaml)")
    .option("-c, --config <file>", "config file")
    .option("--json", "print the summary as JSON")
    .option("--coverage", "print coverage tables (intents × tiers × languages) as Markdown")
    .action(async (globs: string[], o: { config?: string; json?: boolean; coverage?: boolean }) => {
      const ws = await openWorkspace(io.cwd, { config: o.config, globs });
      const s = ws.loaded.scenarios;
      if (o.coverage) {
        io.stdout(coverageMarkdown(s));
        return;
      }
      const summary = {
        ok: true,
        suites: ws.loaded.suites.length,
        scenarios: s.length,
        domains: [...ws.loaded.domains.keys()],
        by_tier: Object.fromEntries(countBy(s, (x) => String(x.tier))),
        by_language: Object.fromEntries(countBy(s, (x) => x.language)),
        by_intent: Object.fromEntries(countBy(s, (x) => x.intent)),
      };
      if (o.json) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      io.stdout(
        `✓ ${summary.suites} suite${summary.suites === 1 ? "" : "s"}, ${summary.scenarios} scenarios, domains: ${summary.domains.join(", ")}\n\n`,
      );
      io.stdout(
        `${table([["tier", "scenarios"], ...countBy(s, (x) => `${x.tier}`).map(([k, v]) => [k, String(v)])])}\n\n`,
      );
      const langs = countBy(s, (x) => x.language);
      io.stdout(`languages (${langs.length}): ${langs.map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
      const intents = countBy(s, (x) => x.intent);
      io.stdout(`intents (${intents.length}): ${intents.map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
    });
}
