import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { countJudgedLines, ResultsWriter } from "../src/run/results-file.js";
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

describe("countJudgedLines", () => {
  it("counts lines a judge graded, not lines with only 'not judged' placeholders", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sb-judged-"));
    const file = path.join(dir, "results.jsonl");
    const grade = (grader: string, version: string) =>
      JSON.stringify({ criterion: "rubric", kind: "judge", grader, version, pass: null, score: 0 });
    writeFileSync(
      file,
      [
        `{"key":"a","grades":[${grade("judge:openai:gpt-4.1", "1.0")}]}`,
        `{"key":"b","grades":[${grade("judge", "none")}]}`,
        `{"key":"c","grades":[${grade("judge-panel:a+b", "1.0")}]}`,
        `{"key":"d","grades":[]}`,
      ].join("\n"),
    );
    expect(await countJudgedLines(file)).toBe(2);
  });
});
