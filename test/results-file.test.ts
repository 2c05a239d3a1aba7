import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ResultsWriter } from "../src/run/results-file.js";
import type { ResultLine } from "../src/run/schema.js";

const fileIn = () => path.join(mkdtempSync(path.join(os.tmpdir(), "sb-results-")), "results.jsonl");
const line = (key: string) => ({ key, verdict: "pass" }) as unknown as ResultLine;
const keys = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { key: string }).key);

describe("ResultsWriter", () => {
  it("writes lines that finish together in one go, and none waits more than a moment", async () => {
    const file = fileIn();
    const writer = new ResultsWriter(file);
    writer.append(line("a"));
    writer.append(line("b"));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(keys(file)).toEqual(["a", "b"]);
    writer.append(line("c"));
    writer.close();
    expect(keys(file)).toEqual(["a", "b", "c"]);
  });

  it("cuts a torn last line before appending, so every line stays whole", () => {
    const file = fileIn();
    writeFileSync(file, `${JSON.stringify(line("a"))}\n{"key":"b","verd`);
    const writer = new ResultsWriter(file);
    writer.append(line("c"));
    writer.close();
    expect(keys(file)).toEqual(["a", "c"]);
  });
});
