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
import type { ResultLine } from "./schema.js";

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

/** The keys of trials already stored in a results file (for --resume). */
export async function storedKeys(file: string): Promise<Set<string>> {
  const keys = new Set<string>();
  if (!existsSync(file)) return keys;
  const rl = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const m = /"key":"((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) keys.add(JSON.parse(`"${m[1]}"`) as string);
  }
  return keys;
}
