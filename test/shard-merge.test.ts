import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ResultLine, RunMeta } from "../src/run/schema.js";
import { runCli } from "./helpers/cli.js";

/**
 * `--shard i/n` splits the plan by scenario: every candidate and trial of a scenario on the same
 * shard, shards balanced by trial count, and merged shards the same trials as the whole run,
 * counted once even when inputs overlap.
 */

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-shard-"));
const lines = (dir: string) =>
  readFileSync(path.join(dir, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => ResultLine.parse(JSON.parse(l)));
const meta = (dir: string) => RunMeta.parse(JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")));

describe("--shard i/n and merge", () => {
  it("keeps a scenario's candidates and trials together, balances shards, and merges to the whole run", async () => {
    const out = tmp();
    const args = [
      "suites/en.yaml",
      "--candidate",
      "builtin:reference",
      "--candidate",
      "builtin:faq-bot",
      "--trials",
      "2",
      "--no-report",
    ];
    expect((await runCli(["run", ...args, "--out", path.join(out, "full")])).code).toBe(0);
    for (const i of [1, 2])
      expect((await runCli(["run", ...args, "--shard", `${i}/2`, "--out", path.join(out, `s${i}`)])).code).toBe(0);
    const full = lines(path.join(out, "full", "latest"));
    const shards = [1, 2].map((i) => lines(path.join(out, `s${i}`, "latest")));
    const scenarios = shards.map((s) => new Set(s.map((l) => `${l.suite}/${l.scenario}`)));
    for (const [i, s] of shards.entries()) {
      // Both candidates and both trials in every shard, and every scenario whole: 2 × 2 lines.
      expect(new Set(s.map((l) => l.candidate)), `shard ${i + 1}`).toEqual(
        new Set(["builtin:reference", "builtin:faq-bot"]),
      );
      expect(new Set(s.map((l) => l.trial)), `shard ${i + 1}`).toEqual(new Set([0, 1]));
      expect(s.length).toBe(scenarios[i]!.size * 4);
    }
    // Disjoint scenarios, together all of them, balanced to within one scenario.
    expect([...scenarios[0]!].filter((s) => scenarios[1]!.has(s))).toEqual([]);
    expect(scenarios[0]!.size + scenarios[1]!.size).toBe(new Set(full.map((l) => l.scenario)).size);
    expect(Math.abs(shards[0]!.length - shards[1]!.length)).toBeLessThanOrEqual(4);
    expect(meta(path.join(out, "s1", "latest")).planned_trials).toBe(shards[0]!.length);

    const merge = async (inputs: string[], to: string) => {
      const m = await runCli([
        "merge",
        ...inputs.map((i) => path.join(out, i)),
        "--out",
        path.join(out, to),
        "--no-report",
      ]);
      expect(m.code, m.stderr).toBe(0);
      return path.join(out, to, "latest");
    };
    const merged = await merge(["s1", "s2"], "merged");
    const keys = (ls: ResultLine[]) => ls.map((l) => `${l.key} ${l.verdict}`).sort();
    expect(keys(lines(merged))).toEqual(keys(full));
    expect(meta(merged).planned_trials).toBe(full.length);
    expect(meta(merged).status).toBe("complete");

    // Overlapping inputs (both shards and the whole run) plan every trial once, not twice.
    const overlap = await merge(["s1", "s2", "full"], "overlap");
    expect(lines(overlap)).toHaveLength(full.length);
    expect(meta(overlap).planned_trials).toBe(full.length);
    // The same shard twice is still one shard.
    const twice = await merge(["s1", "s1"], "twice");
    expect(meta(twice).planned_trials).toBe(shards[0]!.length);
  });
});
