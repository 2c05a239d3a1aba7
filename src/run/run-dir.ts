import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { InputError } from "../suite/problems.js";
import { RunMeta } from "./schema.js";

/** A new run id: sortable time plus a short random suffix. */
export function newRunId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, "-").replace("Z", "")}-${randomBytes(2).toString("hex")}`;
}

/** Write JSON atomically (temp file + rename), so a crash never leaves half a run.json. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Line and column of a character offset in a text (1-based). */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

/** A run folder's run.json, validated; a missing, unreadable or damaged file is an input error naming it. */
export function readRunMeta(dir: string): RunMeta {
  const file = path.join(dir, "run.json");
  if (!existsSync(file)) {
    throw new InputError([
      {
        file,
        line: 1,
        col: 1,
        message: "not a run directory (no run.json)",
        hint: "pass a folder written by `supportbench run`, e.g. reports/latest",
      },
    ]);
  }
  const text = readFileSync(file, "utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at
      ? lineCol(text, Number(at[1]))
      : text.trim() === ""
        ? { line: 1, col: 1 }
        : lineCol(text, text.length);
    throw new InputError([
      {
        file,
        ...pos,
        message: `run.json is not valid JSON: ${message}`,
        hint: "the file is damaged (a crash, a full disk or a hand edit); restore it, or start a new run",
      },
    ]);
  }
  const parsed = RunMeta.safeParse(value);
  if (!parsed.success) {
    const otherVersion = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === "v");
    throw new InputError(
      parsed.error.issues.slice(0, 10).map((i) => ({
        file,
        line: 1,
        col: 1,
        message: `run.json: ${i.path.join(".") || "(the whole file)"}: ${i.message}`,
        hint: otherVersion
          ? "was it written by another version of supportbench?"
          : "run.json does not fit the RunMeta schema (docs/results-format.md); was it edited by hand?",
      })),
    );
  }
  return parsed.data;
}

/** A run folder named on the command line, with symlinks (reports/latest) resolved to the real folder. */
export function realRunDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    // Missing or a broken link: readRunMeta says what is wrong with it.
    return dir;
  }
}

/** Point `<out>/latest` at a run folder (a relative symlink; replaced if present; never at itself). */
export function linkLatest(outDir: string, runDir: string): void {
  const link = path.join(outDir, "latest");
  const target = realRunDir(runDir);
  // The run folder given may be the link itself (`--resume reports/latest`): a link onto itself would loop.
  if (path.resolve(target) === path.resolve(link)) return;
  try {
    if (lstatSync(link).isSymbolicLink() && path.resolve(realRunDir(outDir), readlinkSync(link)) === target) return;
  } catch {
    // No link yet.
  }
  try {
    rmSync(link, { force: true, recursive: false });
  } catch {
    // A real folder named latest is left alone.
    return;
  }
  try {
    symlinkSync(path.relative(realRunDir(outDir), target), link, "dir");
  } catch {
    // Symlinks may be unavailable (some Windows setups); the run itself is unaffected.
  }
}

/** The current git commit of cwd, or null outside a repository. */
export function gitCommit(cwd: string): string | null {
  try {
    return (
      execFileSync("git", ["rev-parse", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}
