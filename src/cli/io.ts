import { PolicyFileError } from "../analysis/read-policy.js";
import { formatIssues, RunsInputError } from "../analysis/read-run.js";
import { formatProblem, InputError } from "../suite/problems.js";

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
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`supportbench: internal error: ${message}\n`);
  if (io.env.SUPPORTBENCH_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
  else io.stderr("  (set SUPPORTBENCH_DEBUG=1 for the stack trace, and please report it)\n");
  return EXIT.internal;
}

/** A fixed-width text table for terminal summaries. */
/** A whole-number option, at least `min`; anything else is bad input naming the flag. */
export function wholeNumber(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InputError([
      { file: flag, line: 1, col: 1, message: `${flag} takes a whole number ≥ ${min}, got "${value}"` },
    ]);
  return n;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
    .join("\n");
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
