import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
  const parsed = RunMeta.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InputError([
      {
        file,
        line: 1,
        col: 1,
        message: `run.json: ${i.path.join(".")}: ${i.message}`,
        hint: "was it written by another version of supportbench?",
      },
    ]);
  }
  return parsed.data;
}

/** Point `<out>/latest` at a run folder (a relative symlink; replaced if present). */
export function linkLatest(outDir: string, runDir: string): void {
  const link = path.join(outDir, "latest");
  try {
    rmSync(link, { force: true, recursive: false });
  } catch {
    // A real folder named latest is left alone.
    return;
  }
  try {
    symlinkSync(path.relative(outDir, runDir), link, "dir");
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
