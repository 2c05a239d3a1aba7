import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AnalyzeOptions, analyze } from "../analysis/analyze.js";
import { readScopePolicy } from "../analysis/read-policy.js";
import { type ReadIssue, RunsInputError, readLinesByKey, readRuns } from "../analysis/read-run.js";
import type { Analysis } from "../analysis/schema.js";
import type { ResultLine, RunMeta } from "../run/schema.js";
import { renderJUnit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSummaryJson } from "./summary-json.js";

/** Reads runs, analyses them and writes summary.json, summary.md, junit.xml and (optionally) index.html. */

/**
 * Renders index.html. `lines` are slim (see slimLine); `wholeLines` reads the complete lines of
 * the trials whose conversations the page embeds.
 */
export type HtmlRenderer = (
  analysis: Analysis,
  lines: readonly ResultLine[],
  metas: readonly RunMeta[],
  wholeLines: (keys: ReadonlySet<string>) => Promise<ReadonlyMap<string, ResultLine>>,
) => string | Promise<string>;

export interface WriteReportsOptions {
  runDirs: readonly string[];
  outDir: string;
  baselineDir?: string;
  policyPath?: string;
  renderHtml?: HtmlRenderer;
  /** Analysis settings other than policy and baseline (seed, minScenarios, …). */
  analysis?: Omit<AnalyzeOptions, "policy" | "policySource" | "baseline" | "generatedAt">;
  /** The clock, passed in so tests are reproducible. */
  now?: () => Date;
}

/** Write the reports into outDir; returns the written paths, the analysis and any read warnings. */
export async function writeReports(options: WriteReportsOptions): Promise<{
  files: string[];
  analysis: Analysis;
  warnings: ReadIssue[];
}> {
  // Slim lines: the analyses need verdicts, grades and timings, not the words of every conversation.
  const current = await readRuns(options.runDirs, { slim: true });
  const baseline = options.baselineDir ? await readRuns([options.baselineDir], { slim: true }) : null;
  const issues = [...current.issues, ...(baseline?.issues ?? [])];
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new RunsInputError(errors);
  const policy = options.policyPath ? await readScopePolicy(options.policyPath) : undefined;
  const analysis = analyze(current.lines, current.metas, {
    ...options.analysis,
    ...(policy ? { policy, policySource: options.policyPath ?? null } : {}),
    ...(baseline ? { baseline: { lines: baseline.lines, metas: baseline.metas } } : {}),
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
  });
  await mkdir(options.outDir, { recursive: true });
  const outputs: Array<[string, string]> = [
    ["summary.json", renderSummaryJson(analysis)],
    ["summary.md", renderMarkdown(analysis)],
    ["junit.xml", renderJUnit(current.lines)],
  ];
  if (options.renderHtml) {
    const page = await options.renderHtml(analysis, current.lines, current.metas, (keys) =>
      readLinesByKey(options.runDirs, keys),
    );
    outputs.push(["index.html", page]);
  }
  const files: string[] = [];
  for (const [name, content] of outputs) {
    const path = join(options.outDir, name);
    await writeFile(path, content, "utf8");
    files.push(path);
  }
  return { files, analysis, warnings: issues.filter((i) => i.severity === "warning") };
}
