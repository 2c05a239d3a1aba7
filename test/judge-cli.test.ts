import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultLine, RunMeta } from "../src/run/schema.js";
import { runCli } from "./helpers/cli.js";
import { judgeAnswer } from "./helpers/judge-answer.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";

let server: OpenAITestServer;
let judge: string;
const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-judge-"));
const lines = (dir: string) =>
  readFileSync(path.join(dir, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => ResultLine.parse(JSON.parse(l)));

beforeAll(async () => {
  server = await startOpenAIServer({ script: (body) => judgeAnswer(body) });
  judge = `openai:judge-model?baseURL=${encodeURIComponent(server.baseURL)}`;
});
afterAll(async () => server.close());

describe("--judge through the CLI, against a local OpenAI-protocol server", () => {
  it("run grades every conversation with one judge call and records the judge", async () => {
    const out = tmp();
    const before = server.requests.length;
    const r = await runCli([
      "run",
      "suites/en.yaml",
      "--candidate",
      "builtin:reference",
      "--judge",
      judge,
      "--out",
      out,
      "--no-report",
      "--no-cache",
    ]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const got = lines(path.join(out, "latest"));
    expect(server.requests.length - before).toBe(got.length);
    for (const l of got) {
      const judged = l.grades.filter((g) => g.kind === "judge");
      expect(judged.map((g) => g.criterion)).toEqual(expect.arrayContaining(["accuracy", "empathy"]));
      expect(l.grades.some((g) => g.kind === "heuristic")).toBe(false);
      expect(l.verdict).toBe("pass");
    }
    const meta = RunMeta.parse(JSON.parse(readFileSync(path.join(out, "latest", "run.json"), "utf8")));
    expect(meta.judge).toBe("judge:openai:judge-model?baseURL=" + encodeURIComponent(server.baseURL));
  });

  it("grade re-grades a stored offline run with the judge, holding no conversation again", async () => {
    const out = tmp();
    expect(
      (await runCli(["run", "suites/en.yaml", "--candidate", "builtin:faq-bot", "--out", out, "--no-report"])).code,
    ).toBe(0);
    const offline = lines(path.join(out, "latest"));
    expect(offline.every((l) => l.grades.some((g) => g.kind === "heuristic" && g.criterion === "empathy"))).toBe(true);
    const before = server.requests.length;
    const g = await runCli([
      "grade",
      path.join(out, "latest"),
      "--judge",
      judge,
      "--out",
      path.join(out, "regraded"),
      "--no-cache",
      "--no-report",
    ]);
    expect(g.code).toBe(0);
    const dir = /results: (.*)results\.jsonl/.exec(g.stdout)![1]!;
    const regraded = lines(path.resolve(dir));
    expect(server.requests.length - before).toBe(regraded.length);
    expect(regraded.map((l) => l.transcript)).toEqual(offline.map((l) => l.transcript));
    expect(regraded.every((l) => l.grades.some((g) => g.kind === "judge"))).toBe(true);
  });

  it("calibrate scores the judge against labelled transcripts", async () => {
    const r = await runCli(["calibrate", "--judge", judge, "--json", "--no-cache"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      items: number;
      kind: string;
      criteria: { criterion?: string; label?: string }[];
    };
    expect(report.kind).toBe("judge");
    expect(report.items).toBeGreaterThanOrEqual(10);
  });
});
