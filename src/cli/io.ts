import path from "node:path";
import { PolicyFileError } from "../analysis/read-policy.js";
import { formatIssues, RunsInputError } from "../analysis/read-run.js";
import { formatProblem, InputError, type Problem } from "../suite/problems.js";

/** Where a command writes, and its environment; injected so tests run the CLI in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

export const EXIT = { ok: 0, failed: 1, input: 2, internal: 3, interrupted: 130 } as const;

/** Thrown by commands to end with a given exit code after printing. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Print a failure the way users need it: problems with positions, or one line for a bug. */
export function reportError(err: unknown, io: CliIO): number {
  if (err instanceof ExitCode) return err.code;
  if (err instanceof RunsInputError) {
    io.stderr(`${formatIssues(err.issues)}\n`);
    return EXIT.input;
  }
  if (err instanceof PolicyFileError) {
    io.stderr(`${err.message}\n  hint: see docs/analysis.md for the policy format\n`);
    return EXIT.input;
  }
  if (err instanceof InputError) {
    for (const p of err.problems) io.stderr(`${formatProblem(p)}\n`);
    io.stderr(`\n${err.problems.length} problem${err.problems.length === 1 ? "" : "s"} found.\n`);
    return EXIT.input;
  }
  const fsProblem = fileSystemProblem(err, io.cwd);
  if (fsProblem) {
    io.stderr(`${formatProblem(fsProblem)}\n`);
    return EXIT.input;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`supportbench: internal error: ${message}\n`);
  if (io.env.SUPPORTBENCH_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  else io.stderr("  (set SUPPORTBENCH_DEBUG=1 for the stack trace, and please report it)\n");
  return EXIT.internal;
}

/** What a file-system error code means for the path it names, and what to do about it. */
const FS_ERRORS: Record<string, { means: string; hint: string }> = {
  ENOTDIR: {
    means: "a part of this path is a file, not a folder",
    hint: "choose a path whose folders are folders (e.g. --out reports)",
  },
  EEXIST: { means: "something already exists here", hint: "choose another path, or move what is there" },
  EISDIR: { means: "this is a folder, where a file was expected", hint: "name a file, not a folder" },
  EACCES: { means: "permission denied", hint: "choose a path you may write to, or change its permissions" },
  EPERM: { means: "operation not permitted", hint: "choose a path you may write to, or change its permissions" },
  ENOSPC: { means: "no space left on the device", hint: "free some disk space, or write somewhere else" },
  EROFS: { means: "the file system is read-only", hint: "write somewhere else (e.g. --out in a writable folder)" },
};

/** A file-system error on a path the user chose (--out, init's folder…) as a problem naming that path. */
export function fileSystemProblem(err: unknown, cwd: string): Problem | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  const known =
    e.code === "EEXIST" && e.syscall === "mkdir"
      ? { means: "exists and is not a folder", hint: "choose a folder path, or move the file that is there" }
      : e.code
        ? FS_ERRORS[e.code]
        : undefined;
  if (!known || typeof e.path !== "string") return undefined;
  const where = e.dest ?? e.path;
  const rel = path.isAbsolute(where) ? path.relative(cwd, where) : where;
  const file = !rel || rel.startsWith("..") ? where : rel;
  return {
    file,
    line: 1,
    col: 1,
    message: `cannot ${e.syscall ?? "use"} ${file}: ${known.means} (${e.code})`,
    hint: known.hint,
  };
}

/** A whole-number option, at least `min` (and at most `max`); anything else is bad input naming the flag. */
export function wholeNumber(flag: string, value: string | undefined, min = 1, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || (max !== undefined && n > max))
    throw new InputError([
      {
        file: flag,
        line: 1,
        col: 1,
        message: `${flag} takes a whole number ${max === undefined ? `≥ ${min}` : `from ${min} to ${max}`}, got "${value}"`,
      },
    ]);
  return n;
}

/** A fixed-width text table for terminal summaries. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
