import path from "node:path";
import { htmlRenderer } from "../report/html/index.js";
import { writeReports } from "../report/write.js";
import { resolveData, type Workspace } from "../run/setup.js";

export interface ReportFlags {
  baseline?: string;
  policy?: string;
  html?: boolean;
  minScenarios?: number;
  maxConversations?: number;
}

/** Write index.html, summary.md, junit.xml and summary.json for runs into outDir; returns the files and warnings. */
export async function writeRunReports(
  runDirs: string[],
  outDir: string,
  ws?: Pick<Workspace, "cwd" | "config">,
  flags: ReportFlags = {},
) {
  const cwd = ws?.cwd ?? process.cwd();
  const policyPath = flags.policy
    ? path.resolve(cwd, flags.policy)
    : resolveData(cwd, ws?.config.scope_policy ?? "policies/scope.yaml");
  return writeReports({
    runDirs,
    outDir,
    baselineDir: flags.baseline,
    policyPath,
    renderHtml: flags.html === false ? undefined : htmlRenderer({ maxConversations: flags.maxConversations }),
    analysis: flags.minScenarios ? { minScenarios: flags.minScenarios } : undefined,
  });
}
