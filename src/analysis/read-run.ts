import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { z } from "zod";
import { ResultLine, RunMeta } from "../run/schema.js";
import { dedupeByKey } from "./figures.js";
import { slimLine } from "./slim.js";

/** Reading runs for analysis: results.jsonl streamed line by line and run.json, validated with zod. */

export interface ReadIssue {
  severity: "error" | "warning";
  file: string;
  /** 1-based line number in results.jsonl; absent for file-level problems. */
  line?: number;
  message: string;
}

export interface RunsData {
  lines: ResultLine[];
  metas: RunMeta[];
  /** Lines replaced by a later line of the same key (resume, overlapping shards). */
  dropped: number;
  /** Errors make the data unusable; warnings (a missing run.json, a torn last line) do not. */
  issues: ReadIssue[];
}

export interface ReadOptions {
  /** Stop collecting after this many errors (a wholly wrong file would otherwise list every line). */
  maxErrors?: number;
  /** Keep only what the analyses and summaries read of each line (see slimLine): about half the memory. */
  slim?: boolean;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(line)"}: ${i.message}`)
    .join("; ");
}

async function endsWithNewline(file: string): Promise<boolean> {
  const { size } = await stat(file);
  if (size === 0) return true;
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(1);
    await handle.read(buf, 0, 1, size - 1);
    return buf[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function readMeta(dir: string, issues: ReadIssue[]): Promise<RunMeta | null> {
  const file = join(dir, "run.json");
  if (!(await exists(file))) {
    issues.push({ severity: "warning", file, message: "no run.json: run metadata unknown" });
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    issues.push({ severity: "error", file, message: `not valid JSON: ${(e as Error).message}` });
    return null;
  }
  const parsed = RunMeta.safeParse(raw);
  if (!parsed.success) {
    issues.push({ severity: "error", file, message: `not a run.json: ${describe(parsed.error)}` });
    return null;
  }
  return parsed.data;
}

async function readLines(
  file: string,
  out: ResultLine[],
  issues: ReadIssue[],
  maxErrors: number,
  keep: (line: ResultLine) => ResultLine,
): Promise<void> {
  const complete = await endsWithNewline(file);
  const input = createReadStream(file, { encoding: "utf8" });
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let errors = 0;
  let pending: { number: number; text: string } | null = null;
  const take = (entry: { number: number; text: string }, last: boolean) => {
    const text = entry.text.trim();
    if (text === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      if (last && !complete) {
        // A run killed mid-write leaves a torn last line; the trial is simply not recorded.
        issues.push({
          severity: "warning",
          file,
          line: entry.number,
          message: "torn last line (run interrupted?) skipped",
        });
        return;
      }
      errors++;
      issues.push({ severity: "error", file, line: entry.number, message: `not valid JSON: ${(e as Error).message}` });
      return;
    }
    const parsed = ResultLine.safeParse(raw);
    if (!parsed.success) {
      errors++;
      issues.push({
        severity: "error",
        file,
        line: entry.number,
        message: `not a result line: ${describe(parsed.error)}`,
      });
      return;
    }
    out.push(keep(parsed.data));
  };
  // Hold one line back so the last one can be told apart (a torn tail is not an error).
  for await (const text of rl) {
    number++;
    if (pending) take(pending, false);
    pending = { number, text };
    if (errors >= maxErrors) {
      issues.push({ severity: "error", file, message: `stopped after ${maxErrors} bad lines` });
      rl.close();
      input.destroy();
      return;
    }
  }
  if (pending) take(pending, true);
}

/** A run directory, or a results.jsonl path: the folder and the results file. */
function runFiles(path: string): { dir: string; file: string } {
  const isFile = path.endsWith(".jsonl");
  const dir = isFile ? join(path, "..") : path;
  return { dir, file: isFile ? path : join(dir, "results.jsonl") };
}

/** Read one run directory (or a results.jsonl path): its lines in file order and its run.json. */
export async function readRun(path: string, options: ReadOptions = {}): Promise<RunsData> {
  const issues: ReadIssue[] = [];
  const { dir, file } = runFiles(path);
  const lines: ResultLine[] = [];
  if (!(await exists(file))) {
    issues.push({ severity: "error", file, message: "no results.jsonl here: is this a run directory?" });
  } else {
    await readLines(file, lines, issues, options.maxErrors ?? 20, options.slim ? slimLine : (l) => l);
  }
  const meta = await readMeta(dir, issues);
  const { lines: kept, dropped } = dedupeByKey(lines);
  return { lines: kept, metas: meta ? [meta] : [], dropped, issues };
}

/** Read several runs (shards, or runs to analyse together); a later line of the same key wins. */
export async function readRuns(paths: readonly string[], options: ReadOptions = {}): Promise<RunsData> {
  const all: ResultLine[] = [];
  const metas: RunMeta[] = [];
  const issues: ReadIssue[] = [];
  let dropped = 0;
  for (const path of paths) {
    const run = await readRun(path, options);
    for (const l of run.lines) all.push(l);
    metas.push(...run.metas);
    issues.push(...run.issues);
    dropped += run.dropped;
  }
  const merged = dedupeByKey(all);
  return { lines: merged.lines, metas, dropped: dropped + merged.dropped, issues };
}

/**
 * The whole lines of some trials, by key, from runs already read (slim) with readRuns: the
 * conversations a report embeds. As in readRuns, a later line of the same key wins; lines that
 * do not parse (a torn tail) are passed over, since readRuns has reported them.
 */
export async function readLinesByKey(
  paths: readonly string[],
  keys: ReadonlySet<string>,
): Promise<Map<string, ResultLine>> {
  const found = new Map<string, ResultLine>();
  if (keys.size === 0) return found;
  for (const path of paths) {
    const { file } = runFiles(path);
    if (!(await exists(file))) continue;
    const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of rl) {
      const m = KEY_FIELD.exec(text);
      if (!m) continue;
      let key: string;
      try {
        key = JSON.parse(`"${m[1]}"`) as string;
      } catch {
        continue;
      }
      if (!keys.has(key)) continue;
      try {
        const parsed = ResultLine.safeParse(JSON.parse(text));
        if (parsed.success) found.set(key, parsed.data);
      } catch {
        // A torn last line: readRuns has already said so.
      }
    }
  }
  return found;
}

// The first "key" field of a line, as the results writer puts it (before any transcript text).
const KEY_FIELD = /"key":"((?:[^"\\]|\\.)*)"/;

/** One issue per line, `file:line: message`, for terminals and CI logs. */
export function formatIssues(issues: readonly ReadIssue[]): string {
  return issues
    .map(
      (i) =>
        `${i.severity === "error" ? "error" : "warning"}: ${i.file}${i.line !== undefined ? `:${i.line}` : ""}: ${i.message}`,
    )
    .join("\n");
}

/** Unusable input: the issues name files and lines. The CLI exits 2 on it. */
export class RunsInputError extends Error {
  constructor(readonly issues: readonly ReadIssue[]) {
    super(`cannot read the runs:\n${formatIssues(issues)}`);
    this.name = "RunsInputError";
  }
}
