import type { LoadedScenario } from "./schema.js";

/** Markdown coverage tables of a benchmark: intents × tiers, and intents × languages. */
export function coverageMarkdown(scenarios: LoadedScenario[]): string {
  const intents = [...new Set(scenarios.map((s) => s.intent))].sort();
  const languages = [...new Set(scenarios.map((s) => s.language))].sort();
  const count = (f: (s: LoadedScenario) => boolean) => scenarios.filter(f).length;
  const cell = (n: number) => (n ? String(n) : "·");
  const out: string[] = [];
  out.push(`${scenarios.length} scenarios, ${intents.length} intents, ${languages.length} languages.`, "");
  out.push("| intent | tier 1 | tier 2 | tier 3 | total | languages |", "|---|---:|---:|---:|---:|---:|");
  for (const i of intents) {
    const of = scenarios.filter((s) => s.intent === i);
    out.push(
      `| ${i} | ${[1, 2, 3].map((t) => cell(of.filter((s) => s.tier === t).length)).join(" | ")} | ${of.length} | ${new Set(of.map((s) => s.language)).size} |`,
    );
  }
  out.push(
    `| **all** | ${[1, 2, 3].map((t) => count((s) => s.tier === t)).join(" | ")} | ${scenarios.length} | ${languages.length} |`,
    "",
  );
  out.push(`| intent | ${languages.join(" | ")} |`, `|---|${languages.map(() => "---:").join("|")}|`);
  for (const i of intents)
    out.push(`| ${i} | ${languages.map((l) => cell(count((s) => s.intent === i && s.language === l))).join(" | ")} |`);
  out.push(
    `| **tiers 1/2/3** | ${languages.map((l) => [1, 2, 3].map((t) => count((s) => s.language === l && s.tier === t)).join("/")).join(" | ")} |`,
  );
  return `${out.join("\n")}\n`;
}
