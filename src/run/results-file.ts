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

/** Appends one JSON line per finished trial; each line is written whole with one write call. */
export class ResultsWriter {
  private readonly fd: number;

  constructor(readonly file: string) {
    repairTail(file);
    this.fd = openSync(file, "a");
  }

  append(line: ResultLine): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
  }

  close(): void {
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
