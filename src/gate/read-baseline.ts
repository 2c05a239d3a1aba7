import { statSync } from "node:fs";
import path from "node:path";
import { RunsInputError, readRuns } from "../analysis/read-run.js";
import { findRunDirs } from "../run/merge.js";
import type { ResultLine, RunMeta } from "../run/schema.js";
import { InputError } from "../suite/problems.js";
import { readUtf8OrThrow } from "../suite/read-text.js";
import { parseYaml, zodProblems } from "../suite/yaml-source.js";
import { VERSION } from "../version.js";
import { BASELINE_FORMAT, BaselineFile, baselineJsonSchema } from "./baseline-schema.js";
import { baselineFromRuns } from "./verdicts.js";

/** Reading runs and baselines for the gate: a run folder (or folders) or a baseline file, as verdict tables. */

export interface LoadedRuns {
  dirs: string[];
  lines: ResultLine[];
  metas: RunMeta[];
  /** Read warnings (torn last line, missing run.json), already formatted. */
  warnings: string[];
}

/** Read run folders (a run, a folder holding `latest`, or shard folders); unusable input throws for exit 2. */
export async function loadRuns(paths: readonly string[]): Promise<LoadedRuns> {
  const dirs = paths.flatMap((p) => findRunDirs(p));
  // The gate reads verdicts and grades, not the words of the conversations.
  const data = await readRuns(dirs, { slim: true });
  const errors = data.issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new RunsInputError(errors);
  return {
    dirs,
    lines: data.lines,
    metas: data.metas,
    warnings: data.issues
      .filter((i) => i.severity === "warning")
      .map((i) => `${i.file}${i.line !== undefined ? `:${i.line}` : ""}: ${i.message}`),
  };
}

/** Validate a baseline file's text; JSON is read through the YAML parser so problems carry line and column. */
export function parseBaselineFile(text: string, display: string): BaselineFile {
  const { source, problems } = parseYaml(display, text);
  if (!source) throw new InputError(problems);
  const value = source.value;
  if (!value || typeof value !== "object" || (value as { format?: unknown }).format !== BASELINE_FORMAT) {
    throw new InputError([
      {
        file: display,
        line: 1,
        col: 1,
        message: "not a supportbench baseline file",
        hint: "write one with `supportbench baseline update <run-dir>`, or pass a run folder",
      },
    ]);
  }
  const parsed = BaselineFile.safeParse(value);
  if (!parsed.success) throw new InputError(zodProblems(source, parsed.error.issues, [], baselineJsonSchema));
  return parsed.data;
}

/** A baseline from a run folder or a baseline file, with a short name for the screen. */
export async function loadBaseline(p: string, cwd: string): Promise<{ baseline: BaselineFile; source: string }> {
  const abs = path.resolve(cwd, p);
  const display = path.relative(cwd, abs) || abs;
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new InputError([
      {
        file: display,
        line: 1,
        col: 1,
        message: "baseline not found",
        hint: "pass a run folder or a file written by `supportbench baseline update`",
      },
    ]);
  }
  if (!isDir) return { baseline: parseBaselineFile(readUtf8OrThrow(abs, display), display), source: display };
  const runs = await loadRuns([abs]);
  const created =
    runs.metas
      .map((m) => m.ended_at ?? m.started_at)
      .sort()
      .at(-1) ?? "";
  return {
    baseline: baselineFromRuns(runs.lines, runs.metas, { createdAt: created, packageVersion: VERSION }),
    source: `${display} (run)`,
  };
}
