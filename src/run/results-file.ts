import {
  closeSync,
  createReadStream,
  existsSync,
  ftruncateSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from "node:fs";
import { createInterface } from "node:readline";
import { InputError, type Problem } from "../suite/problems.js";
import { ResultLine } from "./schema.js";

/** Buffered lines are written once they reach this many characters ... */
const FLUSH_CHARS = 256 * 1024;
/** ... or once the oldest of them has waited this long. */
const FLUSH_MS = 50;

/**
 * Appends one JSON line per finished trial. Lines that finish within a few milliseconds of each
 * other are written together (fast in-process bots finish thousands a second); none waits longer
 * than FLUSH_MS, and whole lines only ever reach the file, so a killed run loses at most the
 * trials of those last milliseconds, which --resume runs again.
 */
export class ResultsWriter {
  private readonly fd: number;
  private buffered: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;
  // A process that exits without close() (a second Ctrl-C) still writes what is buffered.
  private readonly onExit = () => this.flush();

  constructor(readonly file: string) {
    repairTail(file);
    this.fd = openSync(file, "a");
    process.on("exit", this.onExit);
  }

  append(line: ResultLine): void {
    const text = `${JSON.stringify(line)}\n`;
    this.buffered.push(text);
    this.chars += text.length;
    if (this.chars >= FLUSH_CHARS) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Write everything buffered now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffered.length === 0) return;
    const text = this.buffered.length === 1 ? this.buffered[0]! : this.buffered.join("");
    this.buffered = [];
    this.chars = 0;
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    process.off("exit", this.onExit);
    closeSync(this.fd);
  }
}

/** A run killed mid-write can leave a partial last line; cut it so appends start on a fresh line. */
export function repairTail(file: string): void {
  if (!existsSync(file)) return;
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, "r+");
  try {
    const chunk = 64 * 1024;
    let end = size;
    const buf = Buffer.alloc(chunk);
    // Find the last newline; everything after it is a partial line.
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const n = readSync(fd, buf, 0, end - start, start);
      const at = buf.subarray(0, n).lastIndexOf(10);
      if (at >= 0) {
        const keep = start + at + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
  } finally {
    closeSync(fd);
  }
}

/** Whether a file's last byte is a newline (an empty file counts as whole). */
export function endsWithNewline(file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return true;
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(1);
    readSync(fd, buf, 0, 1, size - 1);
    return buf[0] === 10;
  } finally {
    closeSync(fd);
  }
}

export interface ReadResultsOptions {
  /** Told about a torn last line, which is skipped (a run killed mid-write). */
  onWarning?: (problem: Problem) => void;
}

/**
 * Every result line of a results file, validated, with its line number. A torn last line (not
 * JSON, no newline after it: a run killed mid-write) is skipped with a warning, as the analysis
 * does; any other line that is not JSON or does not fit the schema is an input error naming
 * `file:line` and the field.
 */
export async function* readResultFile(
  file: string,
  opts: ReadResultsOptions = {},
): AsyncGenerator<{ line: ResultLine; number: number }> {
  if (!existsSync(file)) return;
  const whole = endsWithNewline(file);
  const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let pending: { text: string; number: number } | undefined;
  const take = (entry: { text: string; number: number }, last: boolean): ResultLine | undefined => {
    if (!entry.text.trim()) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(entry.text);
    } catch (err) {
      if (last && !whole) {
        opts.onWarning?.({
          file,
          line: entry.number,
          col: 1,
          message: "torn last line (run interrupted?) skipped",
          hint: "`supportbench run --resume <run-dir>` cuts it and runs that trial again",
        });
        return undefined;
      }
      throw new InputError([
        {
          file,
          line: entry.number,
          col: 1,
          message: `not JSON: ${(err as Error).message}`,
          hint: "only a torn last line is repaired; a damaged line inside the file must be fixed or removed by hand",
        },
      ]);
    }
    const parsed = ResultLine.safeParse(value);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new InputError([
        {
          file,
          line: entry.number,
          col: 1,
          message: `${i.path.join(".") || "line"}: ${i.message}`,
          hint: "was this written by another version of supportbench?",
        },
      ]);
    }
    return parsed.data;
  };
  // Hold one line back so the last one can be told apart (a torn tail is not an error).
  for await (const text of rl) {
    n++;
    if (pending) {
      const line = take(pending, false);
      if (line) yield { line, number: pending.number };
    }
    pending = { text, number: n };
  }
  if (pending) {
    const line = take(pending, true);
    if (line) yield { line, number: pending.number };
  }
}

/**
 * The keys of trials already stored in a results file (for --resume). The torn last line of a
 * killed run is cut first, so it is run again; a damaged line anywhere else is an input error.
 */
export async function storedKeys(file: string): Promise<Set<string>> {
  const keys = new Set<string>();
  if (!existsSync(file)) return keys;
  repairTail(file);
  for await (const { line } of readResultFile(file)) keys.add(line.key);
  return keys;
}

/** Lines of a results file with a grade given by a judge (not a "not judged" placeholder), without parsing them. */
export async function countJudgedLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  // A judge's own grades name it (`judge:<model>`, `judge-panel:…`); a "not judged" placeholder's
  // grader is plain `judge`, and counts as in the analysis: not at all. Inside a JSON string the
  // quotes would be escaped, so this only matches a grade's own field.
  for await (const text of rl) if (text.includes('"grader":"judge:') || text.includes('"grader":"judge-panel:')) n++;
  return n;
}
